/**
 * Property changes marked during one tick, sent once per object and
 * interface (storm coalescing: a thousand marks of one property in a tick
 * are one PropertiesChanged, carrying the value current when it is sent).
 * A mark is a bit for the property's row: nothing is allocated per name,
 * and the marked rows come out in row order, the order they are sent in.
 */
import type { CompiledInterface, ExportedObject } from './exported-object.js';

/** One interface's marked properties: bit i of the words is its row i. */
export interface Marks {
  readonly iface: CompiledInterface;
  readonly rows: number[];
}

/** The properties marked on one object, by interface (an object changes one or two at a time: a list). */
export type PendingChanges = Marks[];

export class ChangeBatch {
  private pending = new Map<ExportedObject, PendingChanges>();
  private timer: NodeJS.Immediate | undefined;

  /** `send` gets each object's marks when they are due. */
  constructor(private readonly send: (object: ExportedObject, changes: PendingChanges) => void) {}

  mark(object: ExportedObject, iface: CompiledInterface, names: Iterable<string>): void {
    let changes = this.pending.get(object);
    let marks = changes?.find((m) => m.iface === iface);
    if (!marks) {
      // Sized up front (literals, not pushes): thousands of these are made per tick in a storm.
      marks = { iface, rows: iface.propertyList.length <= 32 ? [0] : new Array<number>((iface.propertyList.length + 31) >>> 5).fill(0) };
      if (changes) changes.push(marks);
      else this.pending.set(object, (changes = [marks]));
    }
    for (const name of names) {
      const property = iface.properties.get(name);
      if (property) setBit(marks.rows, property.index);
    }
    this.timer ??= setImmediate(() => this.flush());
  }

  /** Send one object's marks now (before a signal of its own). */
  flushObject(object: ExportedObject): void {
    const changes = this.pending.get(object);
    if (!changes) return;
    this.pending.delete(object);
    this.send(object, changes);
  }

  /** Send everything marked. */
  flush(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    const due = this.pending;
    this.pending = new Map();
    for (const [object, changes] of due) this.send(object, changes);
  }

  /** Forget an object's marks (it was unexported). */
  drop(object: ExportedObject): void {
    this.pending.delete(object);
  }

  clear(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}

function setBit(words: number[], bit: number): void {
  words[bit >>> 5]! |= 1 << (bit & 31);
}
