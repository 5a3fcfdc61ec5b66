/**
 * Small settings: "proxy" and "match". Facts from NetworkManager 1.42
 * (nm-setting-proxy.c, nm-setting-match.c).
 */
import { defineSetting } from '../schema.js';

/** Largest proxy.pac-script NetworkManager accepts, in bytes. */
export const PAC_SCRIPT_MAX = 1024 * 1024;

export const proxySetting = defineSetting({
  name: 'proxy',
  description: 'HTTP proxy configuration (for PacRunner).',
  properties: [
    { name: 'browser-only', type: 'boolean', default: false, description: 'The proxy is for browsers only.' },
    { name: 'method', type: 'int32', default: 0, values: [0, 1], description: 'Proxy method: 0 none, 1 auto (WPAD or PAC).' },
    { name: 'pac-script', type: 'string', description: 'PAC script (JavaScript with FindProxyForURL); method auto only.' },
    { name: 'pac-url', type: 'string', description: 'URL of the PAC file; method auto only.' },
  ],
});

export const matchSetting = defineSetting({
  name: 'match',
  description: 'Conditions a device must meet for the profile to apply.',
  properties: [
    { name: 'driver', type: 'strings', description: 'Driver names (globs; "!" negates, "&" requires).' },
    { name: 'interface-name', type: 'strings', description: 'Interface names (globs; "!" negates, "&" requires).' },
    { name: 'kernel-command-line', type: 'strings', description: 'Kernel command line words that must (or, with "!", must not) be present.' },
    { name: 'path', type: 'strings', description: 'udev ID_PATH values of the device (globs).' },
  ],
});
