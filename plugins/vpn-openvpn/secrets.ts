/**
 * Which secrets a profile still lacks before openvpn can start, as
 * NetworkManager-openvpn decides it: the password for password types, the
 * private key's passphrase when the key file is encrypted; a secret whose
 * flags say NOT_REQUIRED (4) is never asked for.
 */
import fs from 'node:fs';
import type { VpnProfile } from '../../sdk/index.js';

const NOT_REQUIRED = 4;

function required(p: VpnProfile, key: string): boolean {
  return (Number(p.data[`${key}-flags`] ?? 0) & NOT_REQUIRED) === 0;
}

/** A PEM private key protected by a passphrase (PKCS#8 or the traditional Proc-Type header). */
export function keyIsEncrypted(file: string | undefined): boolean {
  if (!file) return false;
  try {
    const text = fs.readFileSync(file, 'utf8');
    return /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text);
  } catch {
    return false; // openvpn names the unreadable file when it starts
  }
}

/** The vpn.secrets keys missing now. */
export function missingSecrets(p: VpnProfile): string[] {
  const type = p.data['connection-type'] ?? 'tls';
  const out: string[] = [];
  if ((type === 'password' || type === 'password-tls') && !p.secrets.password && required(p, 'password')) out.push('password');
  if ((type === 'tls' || type === 'password-tls') && !p.secrets['cert-pass'] && required(p, 'cert-pass') && keyIsEncrypted(p.data.key)) out.push('cert-pass');
  return out;
}
