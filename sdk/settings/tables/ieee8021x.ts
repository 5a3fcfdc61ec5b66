/**
 * The "802-1x" setting (EAP authentication for Ethernet and Wi-Fi). Facts
 * from NetworkManager 1.42 (nm-setting-8021x.c). Certificates and keys are
 * bytes: a blob, or "file://PATH\0" (NetworkManager's path scheme).
 */
import { defineSetting, INT32_MAX, type PropertyRow } from '../schema.js';
import { secretFlags, secretString, sortRows } from './rows.js';

export const EAP_METHODS = ['leap', 'md5', 'tls', 'peap', 'ttls', 'sim', 'fast', 'pwd', 'external'] as const;
export const PHASE2_AUTH = ['pap', 'chap', 'mschap', 'mschapv2', 'gtc', 'otp', 'md5', 'tls'] as const;
export const PHASE2_AUTHEAP = ['md5', 'mschapv2', 'otp', 'gtc', 'tls'] as const;
/** NMSetting8021xAuthFlags: all known bits. */
export const AUTH_FLAGS_ALL = 0x1ff;

/** The rows of one phase (outer, or "phase2-" inner). */
function phaseRows(prefix: '' | 'phase2-'): PropertyRow[] {
  const inner = prefix ? 'inner (phase 2) ' : '';
  return [
    { name: `${prefix}altsubject-matches`, type: 'strings', description: `Strings the ${inner}server certificate's altSubjectName must match.` },
    { name: `${prefix}ca-cert`, type: 'bytes', description: `CA certificate for the ${inner}server (blob or file:// path).` },
    ...secretString(`${prefix}ca-cert-password`, `Password of the ${inner}CA certificate on a PKCS#11 token.`),
    { name: `${prefix}ca-path`, type: 'string', description: `Directory of extra ${inner}CA certificates.` },
    { name: `${prefix}client-cert`, type: 'bytes', description: `${inner ? 'Inner' : 'Client'} certificate (blob or file:// path).` },
    ...secretString(`${prefix}client-cert-password`, `Password of the ${inner}client certificate on a PKCS#11 token.`),
    { name: `${prefix}domain-match`, type: 'string', description: `FQDNs the ${inner}server certificate must match exactly.` },
    { name: `${prefix}domain-suffix-match`, type: 'string', description: `FQDN suffix the ${inner}server certificate must match.` },
    { name: `${prefix}private-key`, type: 'bytes', description: `${inner ? 'Inner' : 'Client'} private key for TLS (blob or file:// path).` },
    ...secretString(`${prefix}private-key-password`, `Password of the ${inner}private key.`),
    { name: `${prefix}subject-match`, type: 'string', deprecated: true, description: `Deprecated: substring of the ${inner}server certificate subject.` },
  ];
}

export const ieee8021xSetting = defineSetting({
  name: '802-1x',
  description: 'IEEE 802.1X (EAP) authentication.',
  properties: sortRows([
    ...phaseRows(''),
    ...phaseRows('phase2-'),
    { name: 'anonymous-identity', type: 'string', description: 'Outer identity for tunnelled EAP methods.' },
    { name: 'auth-timeout', type: 'int32', default: 0, min: 0, max: INT32_MAX, description: 'Seconds allowed for authentication; 0 default (25).' },
    { name: 'eap', type: 'strings', values: EAP_METHODS, description: 'Allowed EAP methods (required).' },
    { name: 'identity', type: 'string', description: 'EAP identity, usually the user name.' },
    { name: 'optional', type: 'boolean', default: false, description: 'Continue activation after an authentication failure (Ethernet only).' },
    { name: 'pac-file', type: 'string', description: 'PAC file for EAP-FAST.' },
    ...secretString('password', 'EAP password.'),
    { name: 'password-raw', type: 'bytes', secret: true, secretFlags: 'password-raw-flags', description: 'EAP password as bytes (password wins when both are set).' },
    secretFlags('password-raw-flags', 'password-raw'),
    { name: 'phase1-auth-flags', type: 'uint32', default: 0, flags: AUTH_FLAGS_ALL, description: 'TLS version enable/disable flags for the outer authentication.' },
    { name: 'phase1-fast-provisioning', type: 'string', values: ['0', '1', '2', '3'], description: 'EAP-FAST provisioning: 0 off, 1 anonymous, 2 authenticated, 3 both.' },
    { name: 'phase1-peaplabel', type: 'string', values: ['0', '1'], description: 'Force the new PEAP label (1).' },
    { name: 'phase1-peapver', type: 'string', values: ['0', '1'], description: 'Force PEAP version 0 or 1.' },
    { name: 'phase2-auth', type: 'string', values: PHASE2_AUTH, description: 'Inner non-EAP authentication for PEAP or TTLS.' },
    { name: 'phase2-autheap', type: 'string', values: PHASE2_AUTHEAP, description: 'Inner EAP authentication for TTLS.' },
    ...secretString('pin', 'EAP PIN.'),
    { name: 'system-ca-certs', type: 'boolean', default: false, description: 'Use the system CA directory instead of ca-path.' },
  ]),
});
