/**
 * A link that is down when its activation starts gets its IPv6 sysctls
 * (disable_ipv6, accept_ra) before it is raised, so it never holds a
 * link-local address or sends DAD and MLD packets that the profile does not
 * want; each sysctl is written once. A link that is already up gets them in
 * the IP configuration step, as before. Fake platform.
 */
import { describe, expect, it } from 'vitest';
import { NMActiveConnectionState as AC, type ConnectionSettings, type SettingValues } from '../../sdk/index.js';
import { bridgeKind } from '../../plugins/device-bridge/index.js';
import { createLogger, LogSink } from '../log/logger.js';
import { GENERATED_SOURCE, SettingsStore } from '../settings/settings-store.js';
import type { Profile } from '../settings/profile.js';
import { ActivationManager } from './activation-manager.js';
import { drain, fakeCore, managersTakenDownAfterEach } from './test/fake-ip-services.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));
const live = managersTakenDownAfterEach();

function profile(n: number, type: string, ifname: string, ipv6: SettingValues): Profile {
  const uuid = `7b1b2c3d-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const settings: ConnectionSettings = {
    connection: { id: `p${n}`, uuid, type, 'interface-name': ifname },
    ipv4: { method: 'manual', 'address-data': [{ address: `192.0.2.${n}`, prefix: 24 }] },
    ipv6,
  };
  return { uuid, id: `p${n}`, path: `/org/freedesktop/NetworkManager/Settings/${n}`, settings, source: GENERATED_SOURCE, stored: { settings, file: '' }, version: 1 };
}

async function setup() {
  const core = await fakeCore(['eth0'], logger);
  core.kinds.load([bridgeKind], () => undefined);
  const settings = new SettingsStore(() => [], core.events, logger, core.config);
  const am = new ActivationManager(core.devices, core.kinds, settings, () => core.platform, core.model, core.events, logger);
  live.push(am);
  const up = async (p: Profile) => {
    const ac = await am.activate(p, core.devices.byName(String(p.settings.connection?.['interface-name'])));
    for (let i = 0; i < 200 && ac.state !== AC.ACTIVATED && !ac.done; i++) await drain(1);
    expect(ac.state).toBe(AC.ACTIVATED);
    return ac;
  };
  /** The order of the IPv6 sysctl writes and link-up requests for one link. */
  const story = (ifname: string, ifindex: () => number | undefined) =>
    core.platform.calls
      .filter((c) => (c.op === 'writeSysctl' && String(c.args[0]).startsWith(`net/ipv6/conf/${ifname}/`)) || (c.op === 'setLink' && c.args[0] === ifindex() && (c.args[1] as { up?: boolean }).up === true))
      .map((c) => (c.op === 'writeSysctl' ? `${String(c.args[0]).split('/').pop()}=${String(c.args[1])}` : 'up'));
  return { ...core, am, up, story };
}

describe('IPv6 sysctls of a link that is down', () => {
  it('are written before a bridge nmk creates is raised, each once', async () => {
    const { up, story, platform } = await setup();
    const ac = await up(profile(1, 'bridge', 'br9', { method: 'disabled' }));
    expect(story('br9', () => ac.device.ifindex)).toEqual(['disable_ipv6=1', 'up']);
    expect((await platform.link('br9'))?.up).toBe(true);
  });

  it('are written once, before the link is raised, for accept_ra too', async () => {
    const { up, story } = await setup();
    const ac = await up(profile(2, 'bridge', 'br8', { method: 'link-local' }));
    const s = story('br8', () => ac.device.ifindex);
    expect(s.slice(-1)).toEqual(['up']);
    expect(s.sort()).toEqual(['accept_ra=0', 'disable_ipv6=0', 'up']);
  });

  it('on a link that is already up are written in the IP configuration step', async () => {
    const { up, story, links } = await setup();
    await up(profile(3, '802-3-ethernet', 'eth0', { method: 'disabled' }));
    expect(story('eth0', () => links.eth0)).toEqual(['up', 'disable_ipv6=1']);
  });
});
