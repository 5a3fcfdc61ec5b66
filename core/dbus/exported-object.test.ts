/**
 * Shared rows: one InterfaceDef exported by many objects is compiled once,
 * and each object's getters, setters and handlers get that object's target.
 */
import { describe, expect, it } from 'vitest';
import { ExportedObject, readProperties } from './exported-object.js';
import type { InterfaceDef } from './rows.js';

interface Thing {
  name: string;
  count: number;
}

const THING: InterfaceDef<Thing> = {
  name: 'org.example.Thing',
  properties: [
    { name: 'Name', signature: 's', access: 'read', get: (t) => t.name },
    { name: 'Count', signature: 'u', access: 'readwrite', get: (t) => t.count, set: (v, _caller, t) => void (t.count = Number(v)) },
  ],
  methods: [{ name: 'Bump', in: [], out: [['count', 'u']], handler: (_args, _caller, t) => ++t.count }],
};

describe('ExportedObject with shared rows', () => {
  it('compiles a definition once for every object that exports it', () => {
    const a = new ExportedObject('/t/1', [THING], { name: 'a', count: 1 });
    const b = new ExportedObject('/t/2', [THING], { name: 'b', count: 2 });
    expect(a.interfaces.get(THING.name)).toBe(b.interfaces.get(THING.name));
  });

  it('reads each object through its own target', () => {
    const fault = () => {
      throw new Error('no property may fail here');
    };
    const a = new ExportedObject('/t/1', [THING], { name: 'a', count: 1 });
    const b = new ExportedObject('/t/2', [THING], { name: 'b', count: 7 });
    const iface = a.interfaces.get(THING.name)!;
    const values = (o: ExportedObject) => Object.fromEntries(Object.entries(readProperties(o, iface, undefined, fault)).map(([k, v]) => [k, v.value]));
    expect(values(a)).toEqual({ Name: 'a', Count: 1 });
    expect(values(b)).toEqual({ Name: 'b', Count: 7 });
  });

  it('passes the target to setters and handlers', () => {
    const t = { name: 'x', count: 3 };
    const o = new ExportedObject('/t/3', [THING], t);
    const iface = o.interfaces.get(THING.name)!;
    iface.properties.get('Count')!.row.set!(10, { uid: 0, sender: ':1.1' } as never, o.target);
    expect(t.count).toBe(10);
    expect(iface.methods.get('Bump')!.row.handler([], { uid: 0, sender: ':1.1' } as never, o.target)).toBe(11);
  });

  it('still names the path and row of a bad definition', () => {
    const bad: InterfaceDef = { name: 'org.example.Bad', properties: [{ name: 'X', signature: 'q?', access: 'read', get: () => 1 }] };
    expect(() => new ExportedObject('/t/4', [bad])).toThrow(/cannot export \/t\/4: interface 'org.example.Bad': property 'X': bad signature 'q\?'/);
  });
});
