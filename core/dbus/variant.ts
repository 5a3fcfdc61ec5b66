/**
 * The Variant class: dbus-next's own (its lib/variant.js, a file with no
 * imports), so a value made here, by the CLI or by a test on dbus-next is one
 * class and `instanceof` agrees across them. It is loaded alone: the daemon's
 * own transport (bus-client.ts) does not load the rest of dbus-next, whose
 * index pulls in an XML parser and builder, node:crypto and node:assert
 * (about 2 MB resident in an idle daemon, bench/memory-idle.ts).
 */
import { createRequire } from 'node:module';
import type { Variant as DbusNextVariant } from 'dbus-next';

export const Variant = (createRequire(import.meta.url)('dbus-next/lib/variant.js') as { Variant: typeof DbusNextVariant }).Variant;
export type Variant<T = any> = DbusNextVariant<T>;
