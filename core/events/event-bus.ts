/**
 * The typed event bus. Delivery is synchronous and in emission order, so a
 * handler sees events in the order the kernel (or a manager) produced them.
 * Handlers must not block; a throwing handler is logged and the rest still run.
 */
import type { EventBus, EventCatalogue, EventHandler, EventName, Logger } from '../../sdk/index.js';

export class LocalEventBus implements EventBus {
  private handlers = new Map<EventName, Array<EventHandler<any>>>();

  constructor(private logger: Logger) {}

  on<K extends EventName>(name: K, handler: EventHandler<K>): () => void {
    let list = this.handlers.get(name);
    if (!list) this.handlers.set(name, (list = []));
    list.push(handler);
    return () => {
      const cur = this.handlers.get(name);
      if (!cur) return;
      // Copy on write: an emit in progress keeps iterating its own snapshot.
      this.handlers.set(name, cur.filter((h) => h !== handler));
    };
  }

  emit<K extends EventName>(name: K, payload: EventCatalogue[K]): void {
    const list = this.handlers.get(name);
    if (!list) return;
    for (const h of list) {
      try {
        h(payload);
      } catch (err) {
        this.logger.error('event handler failed', { event: name, err });
      }
    }
  }

  listenerCount(name: EventName): number {
    return this.handlers.get(name)?.length ?? 0;
  }
}
