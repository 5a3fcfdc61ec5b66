/**
 * Property changes marked during one tick, sent once per object and
 * interface (storm coalescing: a thousand marks of one property in a tick
 * are one PropertiesChanged, carrying the value current when it is sent).
 */
import type { CompiledInterface, ExportedObject } from './exported-object.js';

/** The properties marked on one object, by interface. */
export type PendingChanges = Map<CompiledInterface, Set<string>>;

export class ChangeBatch {
  private pending = new Map<ExportedObject, PendingChanges>();
  private timer: NodeJS.Immediate | undefined;

  /** `send` gets each object's marks when they are due. */
  constructor(private readonly send: (object: ExportedObject, changes: PendingChanges) => void) {}

  mark(object: ExportedObject, iface: CompiledInterface, names: Iterable<string>): void {
    let changes = this.pending.get(object);
    if (!changes) this.pending.set(object, (changes = new Map()));
    let marked = changes.get(iface);
    if (!marked) changes.set(iface, (marked = new Set()));
    for (const name of names) marked.add(name);
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
