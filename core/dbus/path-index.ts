/**
 * Which child names lie under each path, so Introspect can list <node>
 * children (and answer for paths that only lead to objects) without scanning
 * every exported object. A node exists while it is indexed itself or has a
 * child; its count is how many of those reasons it has, so adding the
 * thousandth device under an existing parent touches one level, not every
 * ancestor up to the root.
 */
import { parentPath } from './names.js';

export class PathIndex {
  /** parent path -> child element -> the child node's count (times indexed itself + its own children). */
  private readonly children = new Map<string, Map<string, number>>();

  add(path: string): void {
    for (let child = path, parent = parentPath(child); parent !== undefined; child = parent, parent = parentPath(child)) {
      let names = this.children.get(parent);
      if (!names) this.children.set(parent, (names = new Map()));
      const name = lastElement(parent, child);
      const count = names.get(name) ?? 0;
      names.set(name, count + 1);
      if (count > 0) return; // the child existed: its parent already counts it
    }
  }

  /** Undo one add(path). */
  remove(path: string): void {
    for (let child = path, parent = parentPath(child); parent !== undefined; child = parent, parent = parentPath(child)) {
      const names = this.children.get(parent);
      if (!names) return;
      const name = lastElement(parent, child);
      const count = (names.get(name) ?? 1) - 1;
      if (count > 0) {
        names.set(name, count);
        return; // the child still exists
      }
      names.delete(name);
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
