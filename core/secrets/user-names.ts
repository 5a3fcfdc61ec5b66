/**
 * The user name of a uid, for connection.permissions ("user:alice:"), read
 * from /etc/passwd as getpwuid would for local users (Node has no getpwuid
 * for other uids). Read on each call: a secrets request is rare, and users
 * come and go.
 */
import fs from 'node:fs';

export function passwdUserName(uid: number, file = '/etc/passwd'): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && Number(id) === uid) return name;
  }
  return undefined;
}
