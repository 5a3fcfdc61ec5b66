/**
 * Why a device or an active connection changed state: NetworkManager's
 * reason numbers (sdk/nm.ts) with a short name for scripts and logs (the
 * constant's name in kebab case, "ip-method-unsupported") and nmcli's
 * sentence for people. One row per reason.
 */
import { NMActiveConnectionState, NMActiveConnectionStateReason, NMDeviceStateReason } from '../sdk/nm.js';

const R = NMDeviceStateReason;
const AR = NMActiveConnectionStateReason;

/** NMDeviceStateReason: value, nmcli's text. */
export const DEVICE_REASON_ROWS: ReadonlyArray<readonly [number, string]> = [
  [R.NONE, 'No reason given'],
  [R.UNKNOWN, 'Unknown error'],
  [R.NOW_MANAGED, 'Device is now managed'],
  [R.NOW_UNMANAGED, 'Device is now unmanaged'],
  [R.CONFIG_FAILED, 'The device could not be readied for configuration'],
  [R.IP_CONFIG_UNAVAILABLE, 'IP configuration could not be reserved (no available address, timeout, etc.)'],
  [R.IP_CONFIG_EXPIRED, 'The IP configuration is no longer valid'],
  [R.NO_SECRETS, 'Secrets were required, but not provided'],
  [R.SUPPLICANT_DISCONNECT, '802.1X supplicant disconnected'],
  [R.SUPPLICANT_CONFIG_FAILED, '802.1X supplicant configuration failed'],
  [R.SUPPLICANT_FAILED, '802.1X supplicant failed'],
  [R.SUPPLICANT_TIMEOUT, '802.1X supplicant took too long to authenticate'],
  [R.PPP_START_FAILED, 'PPP service failed to start'],
  [R.PPP_DISCONNECT, 'PPP service disconnected'],
  [R.PPP_FAILED, 'PPP failed'],
  [R.DHCP_START_FAILED, 'DHCP client failed to start'],
  [R.DHCP_ERROR, 'DHCP client error'],
  [R.DHCP_FAILED, 'DHCP client failed'],
  [R.SHARED_START_FAILED, 'Shared connection service failed to start'],
  [R.SHARED_FAILED, 'Shared connection service failed'],
  [R.AUTOIP_START_FAILED, 'AutoIP service failed to start'],
  [R.AUTOIP_ERROR, 'AutoIP service error'],
  [R.AUTOIP_FAILED, 'AutoIP service failed'],
  [R.MODEM_BUSY, 'The line is busy'],
  [R.MODEM_NO_DIAL_TONE, 'No dial tone'],
  [R.MODEM_NO_CARRIER, 'No carrier could be established'],
  [R.MODEM_DIAL_TIMEOUT, 'The dialing request timed out'],
  [R.MODEM_DIAL_FAILED, 'The dialing attempt failed'],
  [R.MODEM_INIT_FAILED, 'Modem initialization failed'],
  [R.GSM_APN_FAILED, 'Failed to select the specified APN'],
  [R.GSM_REGISTRATION_NOT_SEARCHING, 'Not searching for networks'],
  [R.GSM_REGISTRATION_DENIED, 'Network registration denied'],
  [R.GSM_REGISTRATION_TIMEOUT, 'Network registration timed out'],
  [R.GSM_REGISTRATION_FAILED, 'Failed to register with the requested network'],
  [R.GSM_PIN_CHECK_FAILED, 'PIN check failed'],
  [R.FIRMWARE_MISSING, 'Necessary firmware for the device may be missing'],
  [R.REMOVED, 'The device was removed'],
  [R.SLEEPING, 'NetworkManager went to sleep'],
  [R.CONNECTION_REMOVED, "The device's active connection disappeared"],
  [R.USER_REQUESTED, 'Device disconnected by user or client'],
  [R.CARRIER, 'Carrier/link changed'],
  [R.CONNECTION_ASSUMED, "The device's existing connection was assumed"],
  [R.SUPPLICANT_AVAILABLE, 'The supplicant is now available'],
  [R.MODEM_NOT_FOUND, 'The modem could not be found'],
  [R.BT_FAILED, 'The Bluetooth connection failed or timed out'],
  [R.GSM_SIM_NOT_INSERTED, "GSM Modem's SIM card not inserted"],
  [R.GSM_SIM_PIN_REQUIRED, "GSM Modem's SIM PIN required"],
  [R.GSM_SIM_PUK_REQUIRED, "GSM Modem's SIM PUK required"],
  [R.GSM_SIM_WRONG, "GSM Modem's SIM wrong"],
  [R.INFINIBAND_MODE, 'InfiniBand device does not support connected mode'],
  [R.DEPENDENCY_FAILED, 'A dependency of the connection failed'],
  [R.BR2684_FAILED, 'A problem with the RFC 2684 Ethernet over ADSL bridge'],
  [R.MODEM_MANAGER_UNAVAILABLE, 'ModemManager is unavailable'],
  [R.SSID_NOT_FOUND, 'The Wi-Fi network could not be found'],
  [R.SECONDARY_CONNECTION_FAILED, 'A secondary connection of the base connection failed'],
  [R.DCB_FCOE_FAILED, 'DCB or FCoE setup failed'],
  [R.TEAMD_CONTROL_FAILED, 'teamd control failed'],
  [R.MODEM_FAILED, 'Modem failed or no longer available'],
  [R.MODEM_AVAILABLE, 'Modem now ready and available'],
  [R.SIM_PIN_INCORRECT, 'SIM PIN was incorrect'],
  [R.NEW_ACTIVATION, 'New connection activation was enqueued'],
  [R.PARENT_CHANGED, "The device's parent changed"],
  [R.PARENT_MANAGED_CHANGED, "The device parent's management changed"],
  [R.OVSDB_FAILED, 'Open vSwitch database connection failed'],
  [R.IP_ADDRESS_DUPLICATE, 'A duplicate IP address was detected'],
  [R.IP_METHOD_UNSUPPORTED, 'The selected IP method is not supported'],
  [R.SRIOV_CONFIGURATION_FAILED, 'Failed to configure SR-IOV parameters'],
  [R.PEER_NOT_FOUND, 'The Wi-Fi P2P peer could not be found'],
  // Reasons NetworkManager added after 1.42 (nmcli 1.42 prints "Unknown" for them); nmk reports them.
  [R.DEVICE_HANDLER_FAILED, 'The device handler dispatcher returned an error'],
  [R.UNMANAGED_BY_DEFAULT, 'The device is unmanaged because the device type is unmanaged by default'],
  [R.UNMANAGED_EXTERNAL_DOWN, 'The device is unmanaged because it is an external device and is unconfigured (down or without addresses)'],
  [R.UNMANAGED_LINK_NOT_INIT, 'The device is unmanaged because the link is not initialized by udev'],
  [R.UNMANAGED_QUITTING, 'The device is unmanaged because NetworkManager is quitting'],
  [R.UNMANAGED_USER_CONF, "The device is unmanaged by user decision in NetworkManager.conf ('unmanaged' in a [device*] section)"],
  [R.UNMANAGED_USER_EXPLICIT, "The device is unmanaged by explicit user decision (e.g. 'nmcli device set $DEV managed no')"],
  [R.UNMANAGED_USER_SETTINGS, 'The device is unmanaged by user decision via settings plugin ("unmanaged-devices" for keyfile or "NM_CONTROLLED=no" for ifcfg-rh)'],
  [R.NETWORKING_OFF, 'Networking was disabled'],
];

/** NMActiveConnectionStateReason: value, nmcli's text. */
export const ACTIVE_REASON_ROWS: ReadonlyArray<readonly [number, string]> = [
  [AR.UNKNOWN, 'Unknown reason'],
  [AR.NONE, 'The connection was disconnected'],
  [AR.USER_DISCONNECTED, 'Disconnected by user'],
  [AR.DEVICE_DISCONNECTED, 'The base network connection was interrupted'],
  [AR.SERVICE_STOPPED, 'The VPN service stopped unexpectedly'],
  [AR.IP_CONFIG_INVALID, 'The VPN service returned invalid configuration'],
  [AR.CONNECT_TIMEOUT, 'The connection attempt timed out'],
  [AR.SERVICE_START_TIMEOUT, 'The VPN service did not start in time'],
  [AR.SERVICE_START_FAILED, 'The VPN service failed to start'],
  [AR.NO_SECRETS, 'No valid secrets'],
  [AR.LOGIN_FAILED, 'Invalid secrets'],
  [AR.CONNECTION_REMOVED, 'The connection was removed'],
  [AR.DEPENDENCY_FAILED, 'Master connection failed'],
  [AR.DEVICE_REALIZE_FAILED, 'Could not create a software link'],
  [AR.DEVICE_REMOVED, 'The device disappeared'],
];

const kebab = (constant: string) => constant.toLowerCase().replace(/_/g, '-');
const namesOf = (o: Record<string, number>) => new Map(Object.entries(o).map(([k, v]) => [v, kebab(k)]));

const DEVICE_REASON_NAMES = namesOf(NMDeviceStateReason);
const ACTIVE_REASON_NAMES = namesOf(NMActiveConnectionStateReason);
const ACTIVE_STATE_NAMES = namesOf(NMActiveConnectionState);
const DEVICE_REASON_TEXT = new Map(DEVICE_REASON_ROWS);
const ACTIVE_REASON_TEXT = new Map(ACTIVE_REASON_ROWS);

/** "ip-method-unsupported"; an unknown number stays a number. */
export const deviceReasonName = (r: number) => DEVICE_REASON_NAMES.get(r) ?? `reason-${r}`;
/** nmcli's sentence ("The selected IP method is not supported"); nmcli says "Unknown" for a number it does not know. */
export const deviceReasonText = (r: number) => DEVICE_REASON_TEXT.get(r) ?? 'Unknown';
export const activeReasonName = (r: number) => ACTIVE_REASON_NAMES.get(r) ?? `reason-${r}`;
export const activeReasonText = (r: number) => ACTIVE_REASON_TEXT.get(r) ?? 'Unknown';
/** nmcli's names of active connection states: "activating", "activated"... */
export const activeStateName = (s: number) => ACTIVE_STATE_NAMES.get(s) ?? 'unknown';

/** Reasons that say nothing beyond the state itself, so a state line leaves them out. */
export const SILENT_DEVICE_REASONS: ReadonlySet<number> = new Set([R.NONE, R.UNKNOWN]);
export const SILENT_ACTIVE_REASONS: ReadonlySet<number> = new Set([AR.NONE, AR.UNKNOWN]);
