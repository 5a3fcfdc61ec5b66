/**
 * SR-IOV virtual functions (sriov.vfs): text "INDEX mac=.. spoof-check=..
 * trust=.. min-tx-rate=N max-tx-rate=N vlans=ID[.QOS[.ad]];..." as nmcli
 * and keyfiles write it (nm_utils_sriov_vf_to_str: attributes sorted by
 * name, VLANs last, sorted by id), and the D-Bus record {index: u, mac: s,
 * spoof-check: b, trust: b, min-tx-rate: u, max-tx-rate: u, vlans:
 * aa{sv} of {id: u, qos: u, protocol: u (0 802.1Q, 1 802.1ad)}}.
 */
import { dbusValue, type DBusValue } from '../dbus/value.js';
import { formatAttributes, parseAttributes, plainValue, type AttributeSpec, type AttributeValue } from './attributes.js';
import { fail, ok, type Parsed } from './result.js';

export const VF_ATTRIBUTES: readonly AttributeSpec[] = [
  { name: 'mac', type: 's' },
  { name: 'spoof-check', type: 'b' },
  { name: 'trust', type: 'b' },
  { name: 'min-tx-rate', type: 'u' },
  { name: 'max-tx-rate', type: 'u' },
  { name: 'vlans', type: 's' },
];

export interface VfVlan {
  id: number;
  qos: number;
  /** 0 802.1Q, 1 802.1ad. */
  protocol: number;
}

export interface SriovVf {
  index: number;
  attributes: Map<string, AttributeValue>;
  vlans: VfVlan[];
}

function parseVlans(text: string): Parsed<VfVlan[]> {
  const vlans: VfVlan[] = [];
  for (const item of text.split(';').filter((s) => s !== '')) {
    const [id, qos, proto] = item.trim().split('.', 3);
    if (!id || !/^(0x[0-9a-fA-F]+|\d+)$/.test(id) || Number(id) > 4095) return fail(`invalid VF VLAN id '${id ?? ''}'`);
    if (vlans.some((v) => v.id === Number(id))) return fail(`duplicate VLAN id ${Number(id)}`);
    if (qos !== undefined && (!/^(0x[0-9a-fA-F]+|\d+)$/.test(qos) || Number(qos) > 0xffffffff)) return fail(`invalid VF VLAN QoS '${qos}'`);
    if (proto !== undefined && proto !== 'ad' && proto !== 'q') return fail(`invalid VF VLAN protocol '${proto}'`);
    vlans.push({ id: Number(id), qos: qos === undefined ? 0 : Number(qos), protocol: proto === 'ad' ? 1 : 0 });
  }
  if (vlans.length === 0) return fail('empty VF VLAN');
  return ok(vlans.sort((a, b) => a.id - b.id));
}

/** The attributes of a VF (what follows the index), as in a keyfile's vf.N value. */
export function parseVfAttributes(index: number, text: string): Parsed<SriovVf> {
  const p = parseAttributes(text, ' ', '=', VF_ATTRIBUTES);
  if (!p.ok) return p;
  const vf: SriovVf = { index, attributes: p.value, vlans: [] };
  const vlans = p.value.get('vlans');
  if (vlans !== undefined) {
    const v = parseVlans(String(vlans));
    if (!v.ok) return v;
    vf.vlans = v.value;
    p.value.delete('vlans');
  }
  return ok(vf);
}

export function parseSriovVf(text: string): Parsed<SriovVf> {
  const t = text.replace(/^ +/, '');
  const space = t.indexOf(' ');
  const indexText = space < 0 ? t : t.slice(0, space);
  if (!/^\d+$/.test(indexText) || Number(indexText) > 0xffffffff) return fail('invalid index');
  return parseVfAttributes(Number(indexText), space < 0 ? '' : t.slice(space + 1));
}

/** The text after the index (the keyfile value of vf.N). */
export function formatVfAttributes(vf: SriovVf): string {
  const attrs = formatAttributes(vf.attributes, ' ', '=');
  const vlans = vf.vlans.map((v) => (v.qos !== 0 || v.protocol !== 0 ? `${v.id}.${v.qos}${v.protocol === 1 ? '.ad' : ''}` : `${v.id}`)).join(';');
  return [attrs, vlans ? `vlans=${vlans}` : ''].filter(Boolean).join(' ');
}

export function formatSriovVf(vf: SriovVf): string {
  const rest = formatVfAttributes(vf);
  return rest ? `${vf.index} ${rest}` : `${vf.index}`;
}

export function sriovVfToDBus(vf: SriovVf): Record<string, DBusValue> {
  const out: Record<string, DBusValue> = { index: dbusValue('u', vf.index) };
  for (const [k, v] of [...vf.attributes.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out[k] = dbusValue(VF_ATTRIBUTES.find((s) => s.name === k)?.type ?? 's', v);
  }
  if (vf.vlans.length) {
    out['vlans'] = dbusValue(
      'aa{sv}',
      vf.vlans.map((v) => ({ id: dbusValue('u', v.id), qos: dbusValue('u', v.qos), protocol: dbusValue('u', v.protocol) })),
    );
  }
  return out;
}

export function sriovVfFromDBus(record: Record<string, unknown>): Parsed<SriovVf> {
  const index = record['index'];
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) return fail('VF without an index');
  const vf: SriovVf = { index, attributes: new Map(), vlans: [] };
  for (const [name, raw] of Object.entries(record)) {
    if (name === 'index' || name === 'vlans') continue;
    const spec = VF_ATTRIBUTES.find((s) => s.name === name && s.name !== 'vlans');
    const v = plainValue(raw);
    const expected = spec?.type === 'b' ? 'boolean' : spec?.type === 'u' ? 'number' : 'string';
    if (!spec) return fail(`unknown VF attribute '${name}'`);
    if (typeof v !== expected) return fail(`VF attribute '${name}' must be a ${expected}`);
    vf.attributes.set(name, v as AttributeValue);
  }
  const vlans = plainValue(record['vlans']);
  if (Array.isArray(vlans)) {
    for (const entry of vlans as Record<string, unknown>[]) {
      if (typeof entry?.['id'] !== 'number') continue;
      const qos = typeof entry['qos'] === 'number' ? entry['qos'] : 0;
      const protocol = typeof entry['protocol'] === 'number' ? entry['protocol'] : 0;
      vf.vlans = vf.vlans.filter((x) => x.id !== entry['id']);
      vf.vlans.push({ id: entry['id'], qos, protocol });
    }
    vf.vlans.sort((a, b) => a.id - b.id);
  }
  return ok(vf);
}
