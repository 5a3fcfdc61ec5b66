/**
 * team/team-port config ↔ properties, checked against what NetworkManager
 * 1.42 writes: test/team-json-cases.json was made by `nmcli --offline`
 * (test/make-team-json-fixture.mjs says how; rerun it to refresh).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeConnection, verifyConnection, type ConnectionSettings, type SettingValues } from './index.js';
import { teamJsonFromProperties, teamPropertiesFromJson } from './normalize/team-json.js';
import { TEAM_JSON_SETTINGS } from './tables/team-json.js';

interface Cases {
  properties: { setting: string; properties: SettingValues; config: string | null }[];
  config: { setting: string; config: string; rebuilt: string | null }[];
}

const CASES = JSON.parse(
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'test/team-json-cases.json'), 'utf8'),
) as Cases;

/** The property the fixture script set to its default after the config (NetworkManager then unsets it). */
const TOUCHED: Record<string, string> = { team: 'notify-peers-count', 'team-port': 'queue-id' };

const UUID = '11111111-2222-4333-8444-555555555555';

function profile(setting: string, values: SettingValues): ConnectionSettings {
  if (setting === 'team') return { connection: { id: 't', uuid: UUID, type: 'team', 'interface-name': 'team0' }, team: values };
  return {
    connection: { id: 'p', uuid: UUID, type: '802-3-ethernet', 'interface-name': 'eth0', master: 'team0', 'slave-type': 'team' },
    '802-3-ethernet': {},
    'team-port': values,
  };
}

/** Normalise, insist the result is valid and stable, and return the team setting. */
function normalizedSetting(setting: string, values: SettingValues): SettingValues {
  const n = normalizeConnection(profile(setting, values));
  expect(verifyConnection(n)).toEqual([]);
  expect(normalizeConnection(n)).toEqual(n);
  return n[setting]!;
}

describe('team config synthesised from properties (nmcli --offline)', () => {
  it.each(CASES.properties.map((c) => [JSON.stringify(c.properties), c] as const))('%s', (_name, c) => {
    const rows = TEAM_JSON_SETTINGS[c.setting]!;
    expect(teamJsonFromProperties(rows, c.properties) ?? null).toBe(c.config);
    const out = normalizedSetting(c.setting, c.properties);
    expect(out['config'] ?? null).toBe(c.config);
  });
});

describe('team properties read from a config (nmcli --offline rebuilds the JSON from them)', () => {
  it.each(CASES.config.map((c) => [c.config, c] as const))('%s', (_name, c) => {
    const rows = TEAM_JSON_SETTINGS[c.setting]!;
    const derived = teamPropertiesFromJson(rows, c.config)!;
    delete derived[TOUCHED[c.setting]!];
    expect(teamJsonFromProperties(rows, derived) ?? null).toBe(c.rebuilt);
    // A config given is kept as written, with the properties beside it.
    expect(normalizedSetting(c.setting, { config: c.config })['config']).toBe(c.config);
  });
});

describe('syncTeamSettings through normalizeConnection', () => {
  it('gives a team with runner properties and no config both, as NetworkManager shows them', () => {
    const t = normalizedSetting('team', { runner: 'activebackup', 'runner-hwaddr-policy': 'by_active' });
    expect(t).toEqual({
      config: '{ "runner": { "name": "activebackup", "hwaddr_policy": "by_active" } }',
      runner: 'activebackup',
      'runner-hwaddr-policy': 'by_active',
    });
  });

  it('derives the properties of a config, link watchers as text, and drops properties sent beside it', () => {
    const t = normalizedSetting('team', {
      config: '{"runner": {"name": "lacp", "tx_hash": ["l3"], "active": true}, "link_watch": {"name": "arp_ping", "target_host": "192.0.2.1", "source_host": "192.0.2.2", "missed_max": 3, "vlanid": 7}}',
      runner: 'roundrobin',
      'notify-peers-count': 4,
    });
    expect(t).toEqual({
      config: t['config'],
      runner: 'lacp',
      'runner-tx-hash': ['l3'],
      'runner-active': true,
      'link-watchers': ['name=arp_ping target-host=192.0.2.1 source-host=192.0.2.2 vlanid=7'],
    });
  });

  it('derives team-port properties (queue-id, prio, sticky, lacp-prio, lacp-key, link-watchers)', () => {
    const p = normalizedSetting('team-port', {
      config: '{"queue_id": 1, "prio": -3, "sticky": true, "lacp_prio": 9, "lacp_key": 4, "link_watch": [{"name": "ethtool", "delay_up": 2}]}',
    });
    expect(p).toMatchObject({ 'queue-id': 1, prio: -3, sticky: true, 'lacp-prio': 9, 'lacp-key': 4, 'link-watchers': ['name=ethtool delay-up=2'] });
  });

  it('keeps properties at their defaults without a config, as NetworkManager writes none then', () => {
    expect(normalizedSetting('team-port', { prio: 0, sticky: false })).toEqual({ prio: 0, sticky: false });
  });

  it('resets every property for an empty config', () => {
    expect(normalizedSetting('team', { config: '', runner: 'lacp' })).toEqual({});
  });

  it('refuses a config that is JSON but not an object, naming the property', () => {
    const issues = verifyConnection(profile('team', { config: '[1, 2]' })).filter((i) => i.severity === 'error');
    expect(issues).toEqual([expect.objectContaining({ severity: 'error', setting: 'team', property: 'config' })]);
    expect(issues[0]!.message).toContain('not a JSON object');
  });
});
