import { describe, expect, it } from 'vitest';
import { applySetLogging, formatDomains, initialLogState } from './log-domains.js';

const DEFAULT =
  'PLATFORM,RFKILL,ETHER,WIFI,BT,MB,DHCP4,DHCP6,PPP,IP4,IP6,AUTOIP4,DNS,VPN,SHARING,SUPPLICANT,AGENTS,SETTINGS,SUSPEND,CORE,DEVICE,OLPC,INFINIBAND,FIREWALL,ADSL,BOND,VLAN,BRIDGE,TEAM,CONCHECK,DCB,DISPATCH,AUDIT,SYSTEMD,PROXY';

function refusal(fn: () => unknown): { name: string; message: string } | undefined {
  try {
    fn();
  } catch (e) {
    return { name: (e as { dbusName: string }).dbusName, message: (e as Error).message };
  }
  return undefined;
}

describe('SetLogging and GetLogging (NetworkManager 1.42 nm-logging.c)', () => {
  const start = initialLogState('INFO');

  it('starts as NetworkManager does: DEFAULT domains at the daemon level', () => {
    expect(formatDomains(start)).toBe(DEFAULT);
  });

  it('a level alone moves every enabled domain; KEEP and "" change nothing', () => {
    const debug = applySetLogging(start, 'debug', '');
    expect(debug.level).toBe('DEBUG');
    expect(formatDomains(debug)).toBe(DEFAULT);
    for (const keep of ['KEEP', '']) expect(applySetLogging(debug, keep, '')).toEqual(debug);
  });

  it('domains with levels, groups and aliases; others are switched off', () => {
    const s = applySetLogging(start, 'INFO', 'CORE:DEBUG, ip,dhcp:WARN hw');
    expect(formatDomains(s)).toBe('PLATFORM,DHCP4:WARN,DHCP6:WARN,IP4,IP6,CORE:DEBUG');
    expect(formatDomains(applySetLogging(s, 'KEEP', 'CORE:OFF'))).toBe('PLATFORM,DHCP4:WARN,DHCP6:WARN,IP4,IP6');
    expect(formatDomains(applySetLogging(start, 'OFF', ''))).toBe('');
  });

  it('ALL at DEBUG keeps VPN_PLUGIN at INFO (it may log secrets)', () => {
    const s = applySetLogging(start, 'DEBUG', 'ALL');
    expect(formatDomains(s)).toContain('VPN_PLUGIN:INFO');
    expect(formatDomains(s)).toContain('DBUS_PROPS,');
    expect(formatDomains(applySetLogging(start, 'DEBUG', 'VPN_PLUGIN'))).toBe('VPN_PLUGIN');
  });

  it('an unknown level or domain is refused with NetworkManager error and wording, changing nothing', () => {
    expect(refusal(() => applySetLogging(start, 'LOUD', ''))).toEqual({ name: 'org.freedesktop.NetworkManager.UnknownLogLevel', message: "Unknown log level 'LOUD'" });
    expect(refusal(() => applySetLogging(start, 'INFO', 'CORE:LOUD'))).toEqual({ name: 'org.freedesktop.NetworkManager.UnknownLogLevel', message: "Unknown log level 'LOUD'" });
    expect(refusal(() => applySetLogging(start, 'INFO', 'CORE,FROB'))).toEqual({ name: 'org.freedesktop.NetworkManager.UnknownLogDomain', message: "Unknown log domain 'FROB'" });
  });
});
