/**
 * A VPN service that misbehaves, for the VPN failure tests: run with
 * `--bus-name NAME` as NetworkManager (and nmkd) start a service, it takes
 * that name on DBUS_SYSTEM_BUS_ADDRESS, answers NeedSecrets ("nothing
 * missing") and Connect/ConnectInteractive, and then exits with status 1
 * before reporting any configuration: a plugin that crashes mid-connect.
 * FAKE_VPN_PIDFILE, when set, gets its pid (so a test can tell it is gone).
 */
import fs from 'node:fs';
import { Message, sessionBus } from 'dbus-next';

const PLUGIN_PATH = '/org/freedesktop/NetworkManager/VPN/Plugin';
const PLUGIN_IFACE = 'org.freedesktop.NetworkManager.VPN.Plugin';

const at = process.argv.indexOf('--bus-name');
const busName = at >= 0 ? process.argv[at + 1] : undefined;
if (!busName) {
  process.stderr.write('fake-vpn-service: --bus-name NAME is required\n');
  process.exit(2);
}
if (process.env.FAKE_VPN_PIDFILE) fs.writeFileSync(process.env.FAKE_VPN_PIDFILE, String(process.pid));

const bus = sessionBus({ busAddress: process.env.DBUS_SYSTEM_BUS_ADDRESS });
bus.on('error', (err) => {
  process.stderr.write(`fake-vpn-service: ${String(err)}\n`);
  process.exit(3);
});
bus.addMethodHandler((msg: Message) => {
  if (msg.path !== PLUGIN_PATH || msg.interface !== PLUGIN_IFACE) return false;
  if (msg.member === 'NeedSecrets') {
    bus.send(Message.newMethodReturn(msg, 's', ['']));
    return true;
  }
  bus.send(Message.newMethodReturn(msg, '', []));
  if (msg.member === 'Connect' || msg.member === 'ConnectInteractive') {
    process.stderr.write('fake-vpn-service: connecting... crashing now\n');
    // The reply is written first; then the process dies as a crashing plugin would.
    setTimeout(() => process.exit(1), 200);
  }
  return true;
});
void bus.requestName(busName, 4 /* DO_NOT_QUEUE */).then(
  () => process.stderr.write(`fake-vpn-service: owns ${busName}\n`),
  (err) => {
    process.stderr.write(`fake-vpn-service: cannot own ${busName}: ${String(err)}\n`);
    process.exit(4);
  },
);
