/**
 * org.freedesktop.DBus.Introspectable XML, generated from interface rows.
 * Child <node name=".."/> entries let `busctl tree` and
 * `gdbus introspect --recurse` walk the whole tree.
 */
import type { ArgRow, PropertyAccess } from './rows.js';

/** What introspection needs of an interface: names and signatures, no behaviour. */
export interface InterfaceShape {
  readonly name: string;
  readonly properties?: readonly { readonly name: string; readonly signature: string; readonly access: PropertyAccess }[];
  readonly methods?: readonly { readonly name: string; readonly in: readonly ArgRow[]; readonly out: readonly ArgRow[] }[];
  readonly signals?: readonly { readonly name: string; readonly args: readonly ArgRow[] }[];
}

const DOCTYPE =
  '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"\n' +
  ' "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function argXml([name, type]: ArgRow, direction?: 'in' | 'out'): string {
  const dir = direction ? ` direction="${direction}"` : '';
  return `      <arg name="${escapeXml(name)}" type="${escapeXml(type)}"${dir}/>\n`;
}

/** One <interface> element. */
export function interfaceXml(shape: InterfaceShape): string {
  let xml = `  <interface name="${escapeXml(shape.name)}">\n`;
  for (const m of shape.methods ?? []) {
    xml += `    <method name="${escapeXml(m.name)}">\n`;
    for (const a of m.in) xml += argXml(a, 'in');
    for (const a of m.out) xml += argXml(a, 'out');
    xml += '    </method>\n';
  }
  for (const s of shape.signals ?? []) {
    xml += `    <signal name="${escapeXml(s.name)}">\n`;
    for (const a of s.args) xml += argXml(a);
    xml += '    </signal>\n';
  }
  for (const p of shape.properties ?? []) {
    xml += `    <property name="${escapeXml(p.name)}" type="${escapeXml(p.signature)}" access="${p.access}"/>\n`;
  }
  return `${xml}  </interface>\n`;
}

/** A whole document: interfaces (already XML) and child node names. */
export function nodeXml(interfaces: string, children: Iterable<string>): string {
  let xml = `${DOCTYPE}<node>\n${interfaces}`;
  for (const child of children) xml += `  <node name="${escapeXml(child)}"/>\n`;
  return `${xml}</node>\n`;
}
