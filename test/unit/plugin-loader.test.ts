/**
 * The plugin loader end to end on real folders: discovery, manifest checks,
 * selection by config, dependency order, setup failures and time limits, and
 * a TypeScript plugin that lives outside the repository and loads with no build.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { token, Tokens } from '../../sdk/index.js';
import { createRootContainer, resolveEvery } from '../../core/container.js';
import { MergedConfig } from '../../core/config/merged-config.js';
import { makePaths } from '../../core/config/paths.js';
import { LocalEventBus } from '../../core/events/event-bus.js';
import { createLogger, LogSink } from '../../core/log/logger.js';
import { discoverPlugins } from '../../core/plugins/manifest.js';
import { PluginHost } from '../../core/plugins/plugin-host.js';
import { selectPlugins } from '../../core/plugins/select.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-plugins-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function plugin(dir: string, manifest: object | string, entry?: { name: string; code: string }) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'nmk-plugin.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  if (entry) fs.writeFileSync(path.join(dir, entry.name), entry.code);
}
const m = (name: string, extra: object = {}) => ({ name, kind: 'other', version: '1.0.0', sdk: '^0.1.0', ...extra });
const js = (body: string) => ({ name: 'index.mjs', code: `export default { async setup(ctx) { ${body} } };\n` });

function config(lines: Array<[string, string, string]>) {
  const c = new MergedConfig();
  for (const [s, k, v] of lines) c.set(s, k, v, `/etc/nmk/nmk.conf:${c.sections().length + 1}`);
  return c;
}

function host(cfg: MergedConfig, timeoutMs = 2000) {
  const records: any[] = [];
  const logger = createLogger(new LogSink({ format: 'json', level: 'debug', records }));
  const root = createRootContainer();
  const h = new PluginHost({ root, logger, config: cfg, paths: makePaths(tmp), events: new LocalEventBus(logger), setupTimeoutMs: timeoutMs, cacheDir: path.join(tmp, 'cache') });
  return { h, root, records };
}

const Greeting = token<{ text: string }>('test.greeting');

describe('plugin loader', () => {
  const dir = path.join(tmp, 'plugins');
  plugin(path.join(dir, 'alpha'), m('alpha', { provides: ['test.greeting'] }), js(`ctx.provide('test.greeting', { text: 'from alpha' });`));
  plugin(path.join(dir, 'beta'), m('beta', { needs: ['alpha'] }), js(`globalThis.__betaSaw = ctx.resolve('test.greeting').text;`));
  plugin(path.join(dir, 'broken-json'), '{ "name": "broken-json", ');
  plugin(path.join(dir, 'no-kind'), { name: 'no-kind', version: '1.0.0', sdk: '^0.1.0' });
  plugin(path.join(dir, 'future'), m('future', { sdk: '^9.0.0' }), js(''));
  plugin(path.join(dir, 'thrower'), m('thrower', { provides: ['test.greeting'] }), js(`ctx.provide('test.greeting', { text: 'never' }); throw new Error('boom in setup');`));
  plugin(path.join(dir, 'sleeper'), m('sleeper'), js(`await new Promise(() => {});`));
  plugin(path.join(dir, 'orphan'), m('orphan', { needs: ['nowhere'] }), js(''));
  plugin(path.join(dir, 'cyc-a'), m('cyc-a', { needs: ['cyc-b'] }), js(''));
  plugin(path.join(dir, 'cyc-b'), m('cyc-b', { needs: ['cyc-a'] }), js(''));
  plugin(path.join(dir, 'quiet'), m('quiet', { autoload: false }), js(`globalThis.__quiet = true;`));
  plugin(path.join(dir, 'keyfile'), m('keyfile', { kind: 'settings' }), js(''));
  plugin(path.join(dir, 'ifcfg-rh'), m('ifcfg-rh', { kind: 'settings' }), js(''));

  it('reports each bad manifest naming its file, and keeps the good ones', () => {
    const { found, errors } = discoverPlugins([{ dir, builtin: false }]);
    expect(found.map((f) => f.manifest.name)).toContain('alpha');
    const msgs = errors.map((e) => e.toString());
    expect(msgs.some((s) => s.includes(path.join(dir, 'broken-json', 'nmk-plugin.json')) && s.includes('unreadable manifest'))).toBe(true);
    expect(msgs.some((s) => s.includes(path.join(dir, 'no-kind', 'nmk-plugin.json')) && s.includes("missing field 'kind'"))).toBe(true);
    expect(msgs.some((s) => s.includes('future') && s.includes('SDK ^9.0.0'))).toBe(true);
  });

  it('orders by dependency, fails missing needs and cycles by name, and honours autoload and [main] plugins', () => {
    const { found } = discoverPlugins([{ dir, builtin: false }]);
    const sel = selectPlugins(found, config([['main', 'plugins', 'ifcfg-rh,nosuch']]));
    const names = sel.ordered.map((c) => c.manifest.name);
    expect(names.indexOf('alpha')).toBeLessThan(names.indexOf('beta'));
    expect(names).not.toContain('quiet');
    expect(names).not.toContain('orphan');
    expect(names).toContain('ifcfg-rh');
    expect(names).toContain('keyfile');
    const msgs = sel.errors.map((e) => e.toString());
    expect(msgs.some((s) => s.includes("plugin orphan") && s.includes("needs plugin 'nowhere'"))).toBe(true);
    expect(msgs.some((s) => s.includes('dependency cycle: cyc-a -> cyc-b -> cyc-a') || s.includes('dependency cycle: cyc-b -> cyc-a -> cyc-b'))).toBe(true);
    expect(msgs.some((s) => s.startsWith('/etc/nmk/nmk.conf:1') && s.includes("unknown plugin 'nosuch' in [main] plugins"))).toBe(true);
  });

  it('goes on without an optional plugin that throws or hangs, naming it, and drops its contributions', async () => {
    const { found } = discoverPlugins([{ dir, builtin: false }]);
    const sel = selectPlugins(found, config([['plugins', 'disable', 'beta']]));
    const { h, root } = host(config([]), 300);
    const report = await h.loadAll(sel);
    expect(report.loaded).toContain('alpha');
    const failed = Object.fromEntries(report.failed.map((f) => [f.name, f.error.toString()]));
    expect(failed.thrower).toContain('plugin thrower (setup)');
    expect(failed.thrower).toContain('boom in setup');
    expect(failed.sleeper).toContain('setup did not finish within 300 ms');
    expect(resolveEvery(root, Greeting).map((g) => g.text)).toEqual(['from alpha']);
    await h.stopAll();
  });

  it('refuses to start when a required plugin fails, with its name in the message', async () => {
    const { found } = discoverPlugins([{ dir, builtin: false }]);
    const sel = selectPlugins(found, config([['plugins', 'required', 'thrower']]));
    const { h } = host(config([]));
    await expect(h.loadAll(sel)).rejects.toThrow(/required plugin thrower failed: .*boom in setup/);
    await h.stopAll();
  });

  it('loads a TypeScript plugin from outside the repository with no build step, decorators included', { timeout: 60_000 }, async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'third-party-'));
    try {
      plugin(path.join(outside, 'hello-ts'), m('hello-ts', { provides: ['test.greeting'] }), {
        name: 'index.ts',
        code: `
import { definePlugin, Tokens, type PluginContext } from 'nmk/sdk';
import { container, inject, injectable } from 'tsyringe';

@injectable()
class Greeter {
  constructor(@inject('core.logger') private log: { info(m: string): void }) {}
  text(): string { return 'typed hello'; }
}

export default definePlugin({
  setup(ctx: PluginContext) {
    const scope = container.createChildContainer();
    scope.register('core.logger', { useValue: ctx.logger });
    const g = scope.resolve(Greeter);
    ctx.provide<{ text: string }>('test.greeting', { text: g.text() + ' ' + typeof Tokens.Logger });
  },
});
`,
      });
      const { found, errors } = discoverPlugins([{ dir: outside, builtin: false }]);
      expect(errors).toEqual([]);
      const sel = selectPlugins(found, config([]));
      const { h, root } = host(config([]), 20_000);
      const report = await h.loadAll(sel);
      expect(report.failed.map((f) => f.error.toString())).toEqual([]);
      expect(resolveEvery(root, Greeting).map((g) => g.text)).toEqual(['typed hello string']);
      await h.stopAll();
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('runs stop hooks last-started-first', async () => {
    const d = path.join(tmp, 'order');
    plugin(path.join(d, 'one'), m('one'), js(`ctx.onStop(() => globalThis.__order.push('one'));`));
    plugin(path.join(d, 'two'), m('two', { needs: ['one'] }), js(`ctx.onStop(() => globalThis.__order.push('two'));`));
    (globalThis as any).__order = [];
    const { h } = host(config([]));
    await h.loadAll(selectPlugins(discoverPlugins([{ dir: d, builtin: false }]).found, config([])));
    await h.stopAll();
    expect((globalThis as any).__order).toEqual(['two', 'one']);
  });
});
