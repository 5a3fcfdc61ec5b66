/**
 * The keyfile settings plugin: NetworkManager's native profile format
 * (.nmconnection files), read and write. Always loaded.
 *
 * Directories, all under the state root:
 *   persistent  [keyfile] path= if set, else /etc/nmk/system-connections
 *   runtime     /run/nmk/system-connections
 *   read-only   /usr/lib/nmk/system-connections
 */
import path from 'node:path';
import { definePlugin, Tokens } from '../../sdk/index.js';
import { KeyfileSource, type KeyfileDirectories } from './source.js';

export { KeyfileSource, type KeyfileDirectories, type KeyfileSourceOptions } from './source.js';

export const READ_ONLY_DIRECTORY = '/usr/lib/nmk/system-connections';

export default definePlugin({
  setup(ctx) {
    const configured = ctx.config.get('keyfile', 'path');
    const directories: KeyfileDirectories = {
      persistent: configured ? ctx.paths.under(configured) : path.join(ctx.paths.etcDir, 'system-connections'),
      runtime: path.join(ctx.paths.runDir, 'system-connections'),
      readOnly: ctx.paths.under(READ_ONLY_DIRECTORY),
    };
    const source = new KeyfileSource({ directories, root: ctx.paths.root, logger: ctx.logger });
    ctx.logger.debug('keyfile directories', { ...directories });
    ctx.provide(Tokens.SettingsSource, source);
  },
});
