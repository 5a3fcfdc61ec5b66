/**
 * Point-to-point settings: "ppp" (pppd options, auxiliary to pppoe, gsm,
 * cdma and bluetooth DUN), "pppoe" and "adsl". Facts from NetworkManager
 * 1.42 (nm-setting-ppp.c, nm-setting-pppoe.c, nm-setting-adsl.c).
 */
import { defineSetting, UINT32_MAX } from '../schema.js';
import { secretString } from './rows.js';

/** ppp.mru, when not 0, must lie in this range. */
export const PPP_MRU_RANGE = [128, 16384] as const;

export const ADSL_PROTOCOLS = ['pppoa', 'pppoe', 'ipoatm'] as const;
export const ADSL_ENCAPSULATIONS = ['vcmux', 'llc'] as const;

const refuse = (method: string) => ({ type: 'boolean' as const, default: false, description: `Never use ${method} authentication.` });

export const pppSetting = defineSetting({
  name: 'ppp',
  description: 'Options for pppd (PPPoE, mobile broadband, Bluetooth DUN).',
  properties: [
    { name: 'baud', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Serial port speed pppd sets; 0 chooses automatically.' },
    { name: 'crtscts', type: 'boolean', default: false, description: 'Hardware (RTS/CTS) flow control on the serial port.' },
    { name: 'lcp-echo-failure', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Unanswered LCP echo requests before the link is taken as dead; needs lcp-echo-interval.' },
    { name: 'lcp-echo-interval', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Seconds between LCP echo requests; 0 sends none.' },
    { name: 'mppe-stateful', type: 'boolean', default: false, description: 'Use stateful MPPE.' },
    { name: 'mru', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Largest packet the peer may send (128-16384); 0 default.' },
    { name: 'mtu', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Largest packet pppd sends; 0 default.' },
    { name: 'no-vj-comp', type: 'boolean', default: false, description: 'Do not request Van Jacobson TCP header compression.' },
    { name: 'noauth', type: 'boolean', default: true, description: 'Do not require the peer to authenticate itself.' },
    { name: 'nobsdcomp', type: 'boolean', default: false, description: 'Do not request BSD compression.' },
    { name: 'nodeflate', type: 'boolean', default: false, description: 'Do not request deflate compression.' },
    { name: 'refuse-chap', ...refuse('CHAP') },
    { name: 'refuse-eap', ...refuse('EAP') },
    { name: 'refuse-mschap', ...refuse('MSCHAP') },
    { name: 'refuse-mschapv2', ...refuse('MSCHAPv2') },
    { name: 'refuse-pap', ...refuse('PAP') },
    { name: 'require-mppe', type: 'boolean', default: false, description: 'Require MPPE encryption (64 or 128 bit).' },
    { name: 'require-mppe-128', type: 'boolean', default: false, description: 'Require 128-bit MPPE (needs require-mppe).' },
  ],
});

export const pppoeSetting = defineSetting({
  name: 'pppoe',
  baseType: true,
  description: 'PPP over Ethernet.',
  properties: [
    { name: 'parent', type: 'string', description: 'Interface the PPPoE session runs on (else connection.interface-name).' },
    ...secretString('password', 'Password for the PPPoE service.'),
    { name: 'service', type: 'string', description: 'Only talk to access concentrators offering this service name.' },
    { name: 'username', type: 'string', description: 'User name for the PPPoE service (required).' },
  ],
});

export const adslSetting = defineSetting({
  name: 'adsl',
  baseType: true,
  description: 'ADSL connection.',
  properties: [
    { name: 'encapsulation', type: 'string', canonical: 'lowercase', description: 'ATM encapsulation: vcmux or llc.' },
    ...secretString('password', 'Password for the ADSL service.'),
    { name: 'protocol', type: 'string', canonical: 'lowercase', description: 'ADSL protocol (required): pppoa, pppoe or ipoatm.' },
    { name: 'username', type: 'string', description: 'User name for the ADSL service (required).' },
    { name: 'vci', type: 'uint32', default: 0, min: 0, max: 65536, description: 'ATM virtual channel identifier.' },
    { name: 'vpi', type: 'uint32', default: 0, min: 0, max: 65536, description: 'ATM virtual path identifier.' },
  ],
});
