/**
 * The object tree on a private dbus-daemon, as clients see it: a plain
 * dbus-next connection, dbus-send, gdbus and busctl. No root needed (as root,
 * one test also calls as uid 65534).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Variant, type Message } from 'dbus-next';
import { NmkError } from '../../sdk/errors.js';
import { recordingLogger, runBusTool, startPrivateBus, testClient, type PrivateBus, type TestClient } from '../../test/harness/dbus.js';
import { connectBus, DBusError, ObjectTree, variant, type BusConnection, type Caller, type InterfaceDef } from './index.js';

const NAME = 'org.nmk.TreeTest';
const THING = 'org.nmk.Test.Thing';
const EXTRA = 'org.nmk.Test.Extra';
const PROPS = 'org.freedesktop.DBus.Properties';
const OM = 'org.freedesktop.DBus.ObjectManager';
const PATH = '/org/freedesktop/Test/Thing/1';
const OUTSIDE = '/com/example/Outside';

/** Mutable state behind one Thing object, so tests can see what the rows did. */
interface ThingState {
  name: string;
  counter: number;
  extra: string;
  zone: string;
  sets: { value: unknown; caller: Caller }[];
  readOnlySets: number;
}

function thing(state: ThingState): InterfaceDef[] {
  return [
    {
      name: THING,
      properties: [
        { name: 'Name', signature: 's', access: 'readwrite', get: () => state.name, set: (value, caller) => { state.sets.push({ value, caller }); state.name = value as string; } },
        // A read-only row that (wrongly) has a setter: the layer must never call it.
        { name: 'Mtu', signature: 'u', access: 'read', get: () => 1500, set: () => { state.readOnlySets++; } },
        // An asynchronous setter that refuses one value.
        {
          name: 'Zone', signature: 's', access: 'readwrite', get: () => state.zone,
          set: async (value) => {
            await new Promise((r) => setTimeout(r, 10));
            if (value === 'forbidden') throw new DBusError('org.nmk.Error.BadZone', 'zone forbidden is not allowed');
            state.zone = value as string;
          },
        },
        { name: 'Counter', signature: 'u', access: 'read', get: () => state.counter },
        { name: 'Rx', signature: 't', access: 'read', get: () => 2n ** 63n + 1n },
        { name: 'Hw', signature: 'ay', access: 'read', get: () => Buffer.from([2, 0, 0, 0, 0, 1]) },
        { name: 'Reason', signature: '(uu)', access: 'read', get: () => [100, 0] },
        { name: 'Ports', signature: 'ao', access: 'read', get: () => ['/org/freedesktop/Test/Thing/9'] },
        { name: 'Options', signature: 'a{sv}', access: 'read', get: () => ({ mode: variant('s', 'active-backup'), miimon: variant('u', 100) }) },
        { name: 'Broken', signature: 'u', access: 'read', get: () => { throw new Error('getter broke'); } },
      ],
      methods: [
        { name: 'Add', in: [['a', 'i'], ['b', 'i']], out: [['sum', 'i']], handler: ([a, b]: [number, number]) => a + b },
        { name: 'Swap', in: [['a', 's'], ['b', 's']], out: [['b', 's'], ['a', 's']], handler: ([a, b]: [string, string]) => [b, a] },
        { name: 'Echo', in: [['settings', 'a{sv}']], out: [['settings', 'a{sv}']], handler: ([settings]: [Record<string, Variant>]) => settings },
        { name: 'Big', in: [['n', 't']], out: [['n', 't']], handler: ([n]: [bigint]) => n + 1n },
        { name: 'Slow', in: [], out: [['done', 's']], handler: async () => { await new Promise((r) => setTimeout(r, 20)); return 'done'; } },
        { name: 'Who', in: [], out: [['uid', 'u'], ['sender', 's']], handler: (_args, caller: Caller) => [caller.uid, caller.sender] },
        { name: 'Refuse', in: [], out: [], handler: () => { throw new DBusError('org.nmk.Error.Refused', 'no, thanks'); } },
        { name: 'Deny', in: [], out: [], handler: async () => { throw new NmkError('PERMISSION_DENIED', 'not allowed for you'); } },
        { name: 'Crash', in: [], out: [], handler: () => { throw new TypeError('kaboom'); } },
        { name: 'BadResult', in: [], out: [['n', 'u']], handler: () => 'not a number' },
      ],
      signals: [{ name: 'Happened', args: [['what', 's'], ['count', 'u']] }],
    },
    {
      name: EXTRA,
      properties: [{ name: 'Note', signature: 's', access: 'read', get: () => state.extra }],
    },
  ];
}

function newState(): ThingState {
  return { name: 'eth0', counter: 0, extra: 'x', zone: 'home', sets: [], readOnlySets: 0 };
}

let bus: PrivateBus;
let server: BusConnection;
let tree: ObjectTree;
let client: TestClient;
const log = recordingLogger();
const state = newState();

const call = (path: string, iface: string, member: string, signature = '', body: unknown[] = []) => client.call(NAME, path, iface, member, signature, body);
const callError = (path: string, iface: string, member: string, signature = '', body: unknown[] = []) => client.callError(NAME, path, iface, member, signature, body);
const tool = (name: 'dbus-send' | 'gdbus' | 'busctl', args: string[], prefix: string[] = []) => runBusTool(name, args, bus.address, prefix);
/** A round trip to the server: every signal it sent before answering has arrived. */
const roundTrip = () => call(PATH, 'org.freedesktop.DBus.Peer', 'Ping');

beforeAll(async () => {
  bus = await startPrivateBus();
  server = await connectBus({ address: bus.address, logger: log });
  tree = await ObjectTree.attach(server, { logger: log });
  tree.export(PATH, thing(state));
  tree.export(OUTSIDE, [{ name: EXTRA, properties: [{ name: 'Note', signature: 's', access: 'read', get: () => 'outside' }] }]);
  await server.requestName(NAME);
  client = await testClient(bus.address);
});

afterAll(async () => {
  await client?.close();
  await tree?.close();
  await server?.close();
  await bus?.stop();
});

describe('introspection', () => {
  it('describes the rows and the standard interfaces in XML', async () => {
    const [xml] = (await call(PATH, 'org.freedesktop.DBus.Introspectable', 'Introspect')).body as [string];
    expect(xml).toContain(`<interface name="${THING}">`);
    expect(xml).toContain('<method name="Add">\n      <arg name="a" type="i" direction="in"/>\n      <arg name="b" type="i" direction="in"/>\n      <arg name="sum" type="i" direction="out"/>');
    expect(xml).toContain('<property name="Mtu" type="u" access="read"/>');
    expect(xml).toContain('<property name="Name" type="s" access="readwrite"/>');
    expect(xml).toContain('<signal name="Happened">\n      <arg name="what" type="s"/>');
    for (const std of [PROPS, 'org.freedesktop.DBus.Introspectable', 'org.freedesktop.DBus.Peer']) expect(xml).toContain(`<interface name="${std}">`);
    expect(xml).not.toContain(OM);
  });

  it('lists child nodes so the tree can be walked', async () => {
    const xmlOf = async (path: string) => ((await call(path, 'org.freedesktop.DBus.Introspectable', 'Introspect')).body as [string])[0];
    expect(await xmlOf('/')).toMatch(/<node name="org"\/>[\s\S]*<node name="com"\/>|<node name="com"\/>[\s\S]*<node name="org"\/>/);
    expect(await xmlOf('/org/freedesktop/Test')).toContain('<node name="Thing"/>');
    expect(await xmlOf('/org/freedesktop')).toContain(`<interface name="${OM}">`);
    const walk = await tool('gdbus', ['introspect', '--system', '--dest', NAME, '--object-path', '/', '--recurse']);
    expect(walk.stderr).toBe('');
    expect(walk.stdout).toContain(`node ${PATH} {`);
    expect(walk.stdout).toContain(`interface ${THING} {`);
    expect(walk.stdout).toContain('readwrite s Name = \'eth0\';');
    expect(walk.stdout).toContain(`node ${OUTSIDE} {`);
    const busctl = await tool('busctl', ['--system', '--list', 'tree', NAME]);
    expect(busctl.stdout.split('\n')).toEqual(expect.arrayContaining([PATH, OUTSIDE, '/org/freedesktop']));
  });
});

describe('properties', () => {
  it('Get answers with the exact signature of the row', async () => {
    const [mtu] = (await call(PATH, PROPS, 'Get', 'ss', [THING, 'Mtu'])).body as [Variant];
    expect(mtu).toEqual(new Variant('u', 1500));
    const [rx] = (await call(PATH, PROPS, 'Get', 'ss', [THING, 'Rx'])).body as [Variant];
    expect(rx).toEqual(new Variant('t', 2n ** 63n + 1n));
    const gdbus = await tool('gdbus', ['call', '--system', '-d', NAME, '-o', PATH, '-m', `${PROPS}.Get`, THING, 'Reason']);
    expect(gdbus.stdout.trim()).toBe('(<(uint32 100, uint32 0)>,)');
  });

  it('GetAll lists every readable property in row order, leaving out a broken getter (logged)', async () => {
    const [all] = (await call(PATH, PROPS, 'GetAll', 's', [THING])).body as [Record<string, Variant>];
    expect(Object.entries(all).map(([k, v]) => `${k}:${v.signature}`)).toEqual(['Name:s', 'Mtu:u', 'Zone:s', 'Counter:u', 'Rx:t', 'Hw:ay', 'Reason:(uu)', 'Ports:ao', 'Options:a{sv}']);
    expect(all.Hw!.value).toEqual(Buffer.from([2, 0, 0, 0, 0, 1]));
    expect(all.Options!.value).toEqual({ mode: new Variant('s', 'active-backup'), miimon: new Variant('u', 100) });
    expect(log.lines.some((l) => l.level === 'error' && l.fields.property === 'Broken' && l.fields.error === 'getter broke')).toBe(true);
    const [peer] = (await call(PATH, PROPS, 'GetAll', 's', ['org.freedesktop.DBus.Peer'])).body;
    expect(peer).toEqual({});
  });

  it('Set stores a readwrite property and tells the setter who asked', async () => {
    await call(PATH, PROPS, 'Set', 'ssv', [THING, 'Name', new Variant('s', 'eth1')]);
    expect(state.name).toBe('eth1');
    expect(state.sets.at(-1)).toEqual({ value: 'eth1', caller: { sender: client.uniqueName, uid: process.getuid!() } });
    const send = await tool('dbus-send', ['--system', '--print-reply', `--dest=${NAME}`, PATH, `${PROPS}.Set`, `string:${THING}`, 'string:Name', 'variant:string:eth7']);
    expect(send.code).toBe(0);
    const [now] = (await call(PATH, PROPS, 'Get', 'ss', [THING, 'Name'])).body as [Variant];
    expect(now.value).toBe('eth7');
  });

  it('waits for an asynchronous setter, and replies with the error it throws', async () => {
    await call(PATH, PROPS, 'Set', 'ssv', [THING, 'Zone', new Variant('s', 'work')]);
    expect(state.zone).toBe('work');
    expect(await callError(PATH, PROPS, 'Set', 'ssv', [THING, 'Zone', new Variant('s', 'forbidden')])).toEqual({
      name: 'org.nmk.Error.BadZone',
      message: 'zone forbidden is not allowed',
    });
    expect(state.zone).toBe('work');
  });

  it('Set on a read-only property is refused and stores nothing', async () => {
    const err = await callError(PATH, PROPS, 'Set', 'ssv', [THING, 'Mtu', new Variant('u', 9000)]);
    expect(err).toEqual({ name: 'org.freedesktop.DBus.Error.PropertyReadOnly', message: `Property 'Mtu' of interface '${THING}' is read-only` });
    const gdbus = await tool('gdbus', ['call', '--system', '-d', NAME, '-o', PATH, '-m', `${PROPS}.Set`, THING, 'Mtu', '<uint32 9000>']);
    expect(gdbus.stderr).toContain('org.freedesktop.DBus.Error.PropertyReadOnly');
    expect(state.readOnlySets).toBe(0);
    const [mtu] = (await call(PATH, PROPS, 'Get', 'ss', [THING, 'Mtu'])).body as [Variant];
    expect(mtu.value).toBe(1500);
  });

  it('Set with a value of the wrong signature is InvalidArgs naming the property and its signature', async () => {
    const before = state.sets.length;
    const err = await callError(PATH, PROPS, 'Set', 'ssv', [THING, 'Name', new Variant('u', 5)]);
    expect(err).toEqual({ name: 'org.freedesktop.DBus.Error.InvalidArgs', message: `Property 'Name' of interface '${THING}' has signature 's', not 'u'` });
    expect(state.sets.length).toBe(before);
  });

  it('unknown properties and interfaces have their own errors', async () => {
    expect((await callError(PATH, PROPS, 'Get', 'ss', [THING, 'Nope'])).name).toBe('org.freedesktop.DBus.Error.UnknownProperty');
    expect((await callError(PATH, PROPS, 'Get', 'ss', ['org.nmk.Nope', 'Mtu'])).name).toBe('org.freedesktop.DBus.Error.UnknownInterface');
    expect((await callError(PATH, PROPS, 'GetAll', 's', ['org.nmk.Nope'])).name).toBe('org.freedesktop.DBus.Error.UnknownInterface');
    expect((await callError(PATH, PROPS, 'Set', 'ssv', [THING, 'Nope', new Variant('s', '')])).name).toBe('org.freedesktop.DBus.Error.UnknownProperty');
    const broken = await callError(PATH, PROPS, 'Get', 'ss', [THING, 'Broken']);
    expect(broken).toEqual({ name: 'org.freedesktop.NetworkManager.Failed', message: 'getter broke' });
  });
});

describe('ObjectManager', () => {
  it('GetManagedObjects returns every object below the root with all its properties', async () => {
    const [objects] = (await call('/org/freedesktop', OM, 'GetManagedObjects')).body as [Record<string, Record<string, Record<string, Variant>>>];
    expect(Object.keys(objects)).toContain(PATH);
    expect(Object.keys(objects)).not.toContain(OUTSIDE);
    expect(Object.keys(objects[PATH]!)).toEqual([THING, EXTRA]);
    expect(objects[PATH]![THING]!.Mtu).toEqual(new Variant('u', 1500));
    expect(objects[PATH]![EXTRA]).toEqual({ Note: new Variant('s', state.extra) });
    const gdbus = await tool('gdbus', ['call', '--system', '-d', NAME, '-o', '/org/freedesktop', '-m', `${OM}.GetManagedObjects`]);
    expect(gdbus.stdout).toContain(`objectpath '${PATH}': {'${THING}': {'Name': <'`);
    expect(gdbus.stdout).toContain("'Rx': <uint64 9223372036854775809>");
  });

  it('sends InterfacesAdded once the object answers, and InterfacesRemoved', async () => {
    const signals = await client.subscribe(`type='signal',path='/org/freedesktop',interface='${OM}'`);
    const added = client.waitFor(signals, (m) => m.member === 'InterfacesAdded' && m.body[0] === '/org/freedesktop/Test/Thing/2');
    // A client reacting to the signal calls the new object at once.
    const reaction = added.then(() => call('/org/freedesktop/Test/Thing/2', THING, 'Add', 'ii', [40, 2]));
    tree.export(OUTSIDE + '2', thing(newState()));
    tree.export('/org/freedesktop/Test/Thing/2', thing(newState()));
    const msg = await added;
    expect(Object.keys(msg.body[1])).toEqual([THING, EXTRA]);
    expect(msg.body[1][THING].Counter).toEqual(new Variant('u', 0));
    expect((await reaction).body).toEqual([42]);
    expect(signals.filter((m) => m.member === 'InterfacesAdded').map((m) => m.body[0])).toEqual(['/org/freedesktop/Test/Thing/2']);

    const removed = client.waitFor(signals, (m) => m.member === 'InterfacesRemoved');
    expect(tree.unexport('/org/freedesktop/Test/Thing/2')).toBe(true);
    expect((await removed).body).toEqual(['/org/freedesktop/Test/Thing/2', [THING, EXTRA]]);
    expect((await callError('/org/freedesktop/Test/Thing/2', THING, 'Add', 'ii', [1, 2])).name).toBe('org.freedesktop.DBus.Error.UnknownObject');
    expect(tree.unexport('/org/freedesktop/Test/Thing/2')).toBe(false);
    tree.unexport(OUTSIDE + '2');
  });
});

describe('PropertiesChanged', () => {
  const changes = (signals: Message[], iface: string) => signals.filter((m) => m.member === 'PropertiesChanged' && m.body[0] === iface);

  it('coalesces a storm in one tick into one signal per interface with the latest values', async () => {
    const signals = await client.subscribe(`type='signal',path='${PATH}',interface='${PROPS}'`);
    for (let i = 1; i <= 1000; i++) {
      state.counter = i;
      tree.changed(PATH, THING, ['Counter']);
    }
    state.extra = 'y';
    tree.changed(PATH, EXTRA, ['Note']);
    await client.waitFor(signals, (m) => m.body[0] === EXTRA);
    await roundTrip();
    expect(changes(signals, THING).map((m) => m.body)).toEqual([[THING, { Counter: new Variant('u', 1000) }, []]]);
    expect(changes(signals, EXTRA).map((m) => m.body)).toEqual([[EXTRA, { Note: new Variant('s', 'y') }, []]]);
  });

  it('puts every property marked in a tick into the same signal, in row order', async () => {
    const signals = await client.subscribe(`type='signal',path='${PATH}',interface='${PROPS}',member='PropertiesChanged'`);
    state.counter = 5;
    tree.changed(PATH, THING, ['Counter']);
    tree.changed(PATH, THING, ['Name', 'Counter']);
    await client.waitFor(signals, () => true);
    await roundTrip();
    expect(changes(signals, THING).map((m) => Object.keys(m.body[1]))).toEqual([['Name', 'Counter']]);
  });

  it('announces a property after a client Set', async () => {
    const signals = await client.subscribe(`type='signal',path='${PATH}',interface='${PROPS}',member='PropertiesChanged'`);
    await call(PATH, PROPS, 'Set', 'ssv', [THING, 'Name', new Variant('s', 'eth3')]);
    const msg = await client.waitFor(signals, (m) => m.body[0] === THING);
    expect(msg.body[1]).toEqual({ Name: new Variant('s', 'eth3') });
  });

  it('emitSignal sends pending changes of the object first', async () => {
    const signals = await client.subscribe(`type='signal',path='${PATH}'`);
    state.counter = 7;
    tree.changed(PATH, THING, ['Counter']);
    tree.emitSignal(PATH, THING, 'Happened', ['counted', 7]);
    await client.waitFor(signals, (m) => m.member === 'Happened');
    const members = signals.map((m) => m.member);
    expect(members.indexOf('PropertiesChanged')).toBeLessThan(members.indexOf('Happened'));
    expect(signals.find((m) => m.member === 'Happened')!.body).toEqual(['counted', 7]);
  });

  it('refuses to mark a property or emit a signal the object does not have', () => {
    expect(() => tree.changed(PATH, THING, ['Nope'])).toThrow(`${PATH} has no property ${THING}.Nope`);
    expect(() => tree.emitSignal(PATH, THING, 'Nope', [])).toThrow(`${PATH} has no signal ${THING}.Nope`);
    expect(() => tree.emitSignal(PATH, THING, 'Happened', ['x', -1])).toThrow('argument 1: -1 is out of range for uint32');
    expect(() => tree.changed('/not/exported', THING, ['Counter'])).not.toThrow();
  });
});

describe('methods', () => {
  it('passes arguments and returns one, several or no results', async () => {
    const add = await call(PATH, THING, 'Add', 'ii', [2, 3]);
    expect([add.signature, add.body]).toEqual(['i', [5]]);
    expect((await call(PATH, THING, 'Swap', 'ss', ['a', 'b'])).body).toEqual(['b', 'a']);
    expect((await call(PATH, THING, 'Big', 't', [2n ** 63n])).body).toEqual([2n ** 63n + 1n]);
    expect((await call(PATH, THING, 'Slow')).body).toEqual(['done']);
    const send = await tool('dbus-send', ['--system', '--print-reply', `--dest=${NAME}`, PATH, `${THING}.Add`, 'int32:40', 'int32:2']);
    expect(send.stdout).toContain('int32 42');
  });

  it('round-trips variants, nested dicts and byte arrays', async () => {
    const settings = { id: new Variant('s', 'x'), addr: new Variant('ay', Buffer.from([10, 0, 0, 1])), nested: new Variant('a{sv}', { mtu: new Variant('u', 9000) }) };
    expect((await call(PATH, THING, 'Echo', 'a{sv}', [settings])).body).toEqual([settings]);
  });

  it('tells the handler the caller uid (asked of the bus)', async () => {
    expect((await call(PATH, THING, 'Who')).body).toEqual([process.getuid!(), client.uniqueName]);
    if (process.getuid!() === 0) {
      // As root we can also call as another user: uid 65534 (nobody).
      const asNobody = await tool('dbus-send', ['--system', '--print-reply', `--dest=${NAME}`, PATH, `${THING}.Who`], ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
      expect(asNobody.stderr).toBe('');
      expect(asNobody.stdout).toContain('uint32 65534');
    }
  });

  it('forgets a caller when it leaves the bus', async () => {
    const other = await testClient(bus.address);
    await other.call(NAME, PATH, THING, 'Who');
    const cache = (tree as unknown as { callers: { size: number } }).callers; // internal: no other way to observe it
    const before = cache.size;
    await other.close();
    for (let i = 0; i < 100 && cache.size >= before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(cache.size).toBe(before - 1);
  });
});

describe('errors', () => {
  const noStack = (message: string) => {
    expect(message).not.toMatch(/\n|\.ts:\d|\.js:\d|\bat [A-Za-z.<]+ \(/);
  };

  it('replies with the name and message a handler threw, and nothing else', async () => {
    expect(await callError(PATH, THING, 'Refuse')).toEqual({ name: 'org.nmk.Error.Refused', message: 'no, thanks' });
    expect(await callError(PATH, THING, 'Deny')).toEqual({ name: 'org.freedesktop.NetworkManager.PermissionDenied', message: 'not allowed for you' });
  });

  it('turns any other error into Failed with its message, logged with its stack', async () => {
    const err = await callError(PATH, THING, 'Crash');
    expect(err).toEqual({ name: 'org.freedesktop.NetworkManager.Failed', message: 'kaboom' });
    noStack(err.message);
    const line = log.lines.find((l) => l.level === 'error' && l.fields.member === 'Crash');
    expect(line?.fields.stack).toContain('TypeError: kaboom');
    const send = await tool('dbus-send', ['--system', '--print-reply', `--dest=${NAME}`, PATH, `${THING}.Crash`]);
    expect(send.stderr.trim()).toBe('Error org.freedesktop.NetworkManager.Failed: kaboom');
  });

  it('replies Failed when a handler returns a value that does not fit its out signature', async () => {
    const err = await callError(PATH, THING, 'BadResult');
    expect(err).toEqual({ name: 'org.freedesktop.NetworkManager.Failed', message: `${THING}.BadResult returned an invalid result` });
    expect(log.lines.some((l) => l.level === 'error' && l.fields.method === 'BadResult' && /expected an integer/.test(String(l.fields.error)))).toBe(true);
  });

  it('names unknown methods, interfaces and objects, and wrong argument signatures', async () => {
    expect((await callError(PATH, THING, 'Nope')).name).toBe('org.freedesktop.DBus.Error.UnknownMethod');
    expect((await callError(PATH, 'org.nmk.Nope', 'Add', 'ii', [1, 2])).name).toBe('org.freedesktop.DBus.Error.UnknownInterface');
    expect(await callError('/org/freedesktop/Nope', THING, 'Add', 'ii', [1, 2])).toEqual({ name: 'org.freedesktop.DBus.Error.UnknownObject', message: "No such object path '/org/freedesktop/Nope'" });
    const args = await callError(PATH, THING, 'Add', 's', ['2']);
    expect(args).toEqual({ name: 'org.freedesktop.DBus.Error.InvalidArgs', message: `${THING}.Add expects arguments of signature 'ii', got 's'` });
    expect((await callError('/org/freedesktop/Test', PROPS, 'GetAll', 's', [THING])).name).toBe('org.freedesktop.DBus.Error.UnknownInterface');
    expect((await callError('/org/freedesktop/Test/Thing/1', OM, 'GetManagedObjects')).name).toBe('org.freedesktop.DBus.Error.UnknownInterface');
  });

  it('serves Peer on every path', async () => {
    const ping = await tool('gdbus', ['call', '--system', '-d', NAME, '-o', PATH, '-m', 'org.freedesktop.DBus.Peer.Ping']);
    expect(ping.stdout.trim()).toBe('()');
    const [id] = (await call(PATH, 'org.freedesktop.DBus.Peer', 'GetMachineId')).body as [string];
    expect(id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('exporting', () => {
  it('checks rows when an object is exported, naming the culprit', () => {
    const bad = (def: Partial<InterfaceDef>) => () => tree.export('/org/freedesktop/Test/Bad', [{ name: 'org.nmk.Bad', ...def }]);
    expect(bad({ properties: [{ name: 'X', signature: 'a{', access: 'read', get: () => 1 }] })).toThrow("cannot export /org/freedesktop/Test/Bad: interface 'org.nmk.Bad': property 'X': bad signature 'a{'");
    expect(bad({ properties: [{ name: 'X', signature: 's', access: 'readwrite', get: () => '' }] })).toThrow("property 'X': is readwrite but has no set()");
    expect(bad({ methods: [{ name: 'M', in: [['a', 'ss']], out: [], handler: () => undefined }] })).toThrow("argument 'a': bad signature 'ss'");
    expect(bad({ name: PROPS })).toThrow('the D-Bus layer serves it itself');
    expect(() => tree.export(PATH, thing(newState()))).toThrow(`cannot export ${PATH}: already exported`);
    expect(() => tree.export('/bad/', thing(newState()))).toThrow("cannot export '/bad/': not a valid object path");
    expect(tree.has('/org/freedesktop/Test/Bad')).toBe(false);
  });
});
