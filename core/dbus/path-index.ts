/**
 * Which child names lie under each path, so Introspect can list <node>
 * children (and answer for paths that only lead to objects) without scanning
 * every exported object. Counts, because two objects can share a parent.
 */
import { parentPath } from './names.js';

export class PathIndex {
  /** parent path -> child element -> how many indexed paths lie through it. */
  private readonly children = new Map<string, Map<string, number>>();

  add(path: string): void {
    for (let child = path, parent = parentPath(child); parent !== undefined; child = parent, parent = parentPath(child)) {
      let names = this.children.get(parent);
      if (!names) this.children.set(parent, (names = new Map()));
      const name = lastElement(parent, child);
      names.set(name, (names.get(name) ?? 0) + 1);
    }
  }

  /** Undo one add(path). */
  remove(path: string): void {
    for (let child = path, parent = parentPath(child); parent !== undefined; child = parent, parent = parentPath(child)) {
      const names = this.children.get(parent);
      if (!names) return;
      const name = lastElement(parent, child);
      const count = (names.get(name) ?? 1) - 1;
      if (count > 0) names.set(name, count);
      else names.delete(name);
      if (names.size === 0) this.children.delete(parent);
    }
  }

  /** True when some indexed path lies below `path`. */
  hasChildren(path: string): boolean {
    return this.children.has(path);
  }

  childrenOf(path: string): Iterable<string> {
    return this.children.get(path)?.keys() ?? [];
  }
}

function lastElement(parent: string, child: string): string {
  return child.slice(parent === '/' ? 1 : parent.length + 1);
}
