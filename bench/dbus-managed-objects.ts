/**
 * GetManagedObjects with 5000 objects (a device-like interface of 20
 * properties each), timed from three clients: a raw socket that only counts
 * the reply's bytes (so the time is ours plus dbus-daemon's: getters, checks,
 * encoding, forwarding), busctl, and a dbus-next connection (whose own
 * decoding of the reply dominates).
 * Run: node node_modules/jiti/lib/jiti-cli.mjs bench/dbus-managed-objects.ts [objects]
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startPrivateBus, recordingLogger } from '../test/harness/dbus.js';
import { connectBus, ObjectTree, type InterfaceDef } from '../core/dbus/index.js';
import { encodeMessage, MessageKind } from '../core/dbus/wire.js';

const COUNT = Number(process.argv[2] ?? 5000);

function deviceInterface(i: number): InterfaceDef {
  const rows: [string, string, () => unknown][] = [
    ['Udi', 's', () => `/sys/devices/virtual/net/veth${i}`],
    ['Path', 's', () => ''],
    ['Interface', 's', () => `veth${i}`],
    ['IpInterface', 's', () => `veth${i}`],
    ['Driver', 's', () => 'veth'],
    ['DriverVersion', 's', () => '1.0'],
    ['FirmwareVersion', 's', () => ''],
    ['Capabilities', 'u', () => 7],
    ['State', 'u', () => 100],
    ['StateReason', '(uu)', () => [100, 0]],
    ['ActiveConnection', 'o', () => '/'],
    ['Ip4Config', 'o', () => `/org/freedesktop/NetworkManager/IP4Config/${i}`],
    ['Managed', 'b', () => true],
    ['Autoconnect', 'b', () => true],
    ['DeviceType', 'u', () => 14],
    ['AvailableConnections', 'ao', () => []],
    ['Mtu', 'u', () => 1500],
    ['Ip4Connectivity', 'u', () => 4],
    ['HwAddress', 's', () => '02:00:00:00:00:01'],
    ['Ports', 'ao', () => []],
  ];
  return {
    name: 'org.freedesktop.NetworkManager.Device',
    properties: rows.map(([name, signature, get]) => ({ name, signature, access: 'read' as const, get })),
    methods: [{ name: 'Disconnect', in: [], out: [], handler: () => undefined }],
  };
}

/**
 * Call GetManagedObjects over a bare socket and time until its reply's last
 * byte arrived, without decoding it. Resolves with [ms, reply bytes].
 */
async function rawGetManagedObjects(address: string, destination: string): Promise<[number, number]> {
  const sock = net.createConnection(/unix:path=([^,]+)/.exec(address)![1]!);
  await new Promise((r) => sock.once('connect', r));
  sock.write(`\0AUTH EXTERNAL ${Buffer.from(String(process.getuid!())).toString('hex')}\r\n`);
  await new Promise((r) => sock.once('data', r));
  sock.write('BEGIN\r\n');
  const call = (serial: number, dest: string, path: string, iface: string, member: string) =>
    encodeMessage({ type: MessageKind.METHOD_CALL, destination: dest, path, interface: iface, member, signature: '', body: [] }, serial);
  let pending = Buffer.alloc(0);
  let returns = 0;
  let start = 0;
  const done = new Promise<[number, number]>((resolve) => {
    sock.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 16) {
        const length = 16 + ((pending.readUInt32LE(12) + 7) & ~7) + pending.readUInt32LE(4);
        if (pending.length < length) break;
        if (pending[1] === MessageKind.METHOD_RETURN && ++returns === 2) resolve([performance.now() - start, length]);
        pending = pending.subarray(length);
      }
    });
  });
  sock.write(call(1, 'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'Hello'));
  start = performance.now();
  sock.write(call(2, destination, '/org/freedesktop', 'org.freedesktop.DBus.ObjectManager', 'GetManagedObjects'));
  const result = await done;
  sock.destroy();
  return result;
}

const bus = await startPrivateBus();
const logger = recordingLogger();
try {
  const server = await connectBus({ address: bus.address, logger });
  const tree = await ObjectTree.attach(server, { logger });
  let t = performance.now();
  for (let i = 1; i <= COUNT; i++) tree.export(`/org/freedesktop/NetworkManager/Devices/${i}`, [deviceInterface(i)]);
  console.log(`export ${COUNT} objects (with InterfacesAdded): ${(performance.now() - t).toFixed(0)} ms`);
  await server.requestName('org.nmk.Bench');
  const client = await connectBus({ address: bus.address, logger });
  const call = () =>
    client.call({
      destination: 'org.nmk.Bench',
      path: '/org/freedesktop',
      interface: 'org.freedesktop.DBus.ObjectManager',
      member: 'GetManagedObjects',
      timeoutMs: 120_000,
    });
  const busctl = () =>
    promisify(execFile)('busctl', ['--system', '--json=short', 'call', 'org.nmk.Bench', '/org/freedesktop', 'org.freedesktop.DBus.ObjectManager', 'GetManagedObjects'], {
      env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: bus.address },
      maxBuffer: 1 << 30,
    });
  for (let run = 1; run <= 3; run++) {
    const [ms, bytes] = await rawGetManagedObjects(bus.address, 'org.nmk.Bench');
    console.log(`GetManagedObjects, raw socket (no decoding), run ${run}: ${bytes} bytes in ${ms.toFixed(0)} ms`);
  }
  for (let run = 1; run <= 3; run++) {
    t = performance.now();
    const { stdout } = await busctl();
    const count = Object.keys(JSON.parse(stdout).data[0]).length;
    console.log(`GetManagedObjects, busctl client, run ${run}: ${count} objects in ${(performance.now() - t).toFixed(0)} ms`);
  }
  for (let run = 1; run <= 3; run++) {
    t = performance.now();
    const [objects] = await call();
    console.log(`GetManagedObjects, dbus-next client, run ${run}: ${Object.keys(objects).length} objects in ${(performance.now() - t).toFixed(0)} ms`);
  }
  await tree.close();
  await client.close();
  await server.close();
} finally {
  await bus.stop();
}
