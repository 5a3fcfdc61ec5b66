import { describe, expect, it } from 'vitest';
import { NMActiveConnectionState, NMActiveConnectionStateReason, NMDeviceState, NMDeviceStateReason } from '../sdk/index.js';
import { ACTIVE_REASON_ROWS, DEVICE_REASON_ROWS, activeReasonName, activeReasonText, activeStateName, deviceReasonName, deviceReasonText } from './reasons.js';
import { deviceStateName } from './tables.js';

const values = (o: Record<string, number>) => Object.values(o).sort((a, b) => a - b);
const rowValues = (rows: ReadonlyArray<readonly [number, string]>) => rows.map(([v]) => v).sort((a, b) => a - b);

describe('state and reason tables', () => {
  it('have exactly one row for every device state reason of the SDK, and NetworkManager 1.42 has no gap', () => {
    expect(rowValues(DEVICE_REASON_ROWS)).toEqual(values(NMDeviceStateReason));
    // nm-dbus-interface.h 1.42 numbers its reasons 0..67 without a gap.
    for (let r = 0; r <= 67; r++) expect(deviceReasonText(r), `reason ${r}`).not.toBe('Unknown');
  });

  it('have exactly one row for every active connection reason', () => {
    expect(rowValues(ACTIVE_REASON_ROWS)).toEqual(values(NMActiveConnectionStateReason));
  });

  it("keep NetworkManager's numbering (nm-dbus-interface.h 1.42)", () => {
    const expected: Array<[keyof typeof NMDeviceStateReason, number]> = [
      ['NONE', 0], ['NO_SECRETS', 7], ['SUPPLICANT_DISCONNECT', 8], ['PPP_FAILED', 14], ['DHCP_FAILED', 17], ['SHARED_START_FAILED', 18],
      ['GSM_PIN_CHECK_FAILED', 34], ['FIRMWARE_MISSING', 35], ['USER_REQUESTED', 39], ['SUPPLICANT_AVAILABLE', 42], ['INFINIBAND_MODE', 49],
      ['DEPENDENCY_FAILED', 50], ['BR2684_FAILED', 51], ['SIM_PIN_INCORRECT', 59], ['NEW_ACTIVATION', 60], ['OVSDB_FAILED', 63],
      ['IP_METHOD_UNSUPPORTED', 65], ['SRIOV_CONFIGURATION_FAILED', 66], ['PEER_NOT_FOUND', 67],
    ];
    for (const [name, value] of expected) expect(NMDeviceStateReason[name], name).toBe(value);
  });

  it('name reasons in kebab case and give nmcli\'s sentence', () => {
    expect(deviceReasonName(NMDeviceStateReason.IP_METHOD_UNSUPPORTED)).toBe('ip-method-unsupported');
    expect(deviceReasonText(NMDeviceStateReason.IP_METHOD_UNSUPPORTED)).toBe('The selected IP method is not supported');
    expect(deviceReasonName(NMDeviceStateReason.NEW_ACTIVATION)).toBe('new-activation');
    expect(activeReasonName(NMActiveConnectionStateReason.USER_DISCONNECTED)).toBe('user-disconnected');
    expect(activeReasonText(NMActiveConnectionStateReason.DEVICE_DISCONNECTED)).toBe('The base network connection was interrupted');
    // A number the table does not know stays visible, and nmcli's word for it is "Unknown".
    expect([deviceReasonName(999), deviceReasonText(999)]).toEqual(['reason-999', 'Unknown']);
  });

  it('give every sentence once: no two reasons share a text', () => {
    const texts = DEVICE_REASON_ROWS.map(([, t]) => t);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it("name every device and active connection state as nmcli does", () => {
    // Only UNKNOWN (0) is called "unknown"; every other state has its own name.
    const names = values(NMDeviceState).map(deviceStateName);
    expect(names.filter((n) => n === 'unknown')).toEqual(['unknown']);
    expect(new Set(names).size).toBe(names.length);
    expect(deviceStateName(NMDeviceState.PREPARE)).toBe('connecting (prepare)');
    expect(deviceStateName(NMDeviceState.ACTIVATED)).toBe('connected');
    expect(values(NMActiveConnectionState).map(activeStateName)).toEqual(['unknown', 'activating', 'activated', 'deactivating', 'deactivated']);
  });
});
