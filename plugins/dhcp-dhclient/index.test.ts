/**
 * The plugin's entry without its client: the factory core sees answers to
 * the same name and families as DhclientClient, and a daemon that never
 * started a client stops without touching the run directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Tokens, type DhcpClientFactory, type Logger, type Paths } from '../../sdk/index.js';
import { DhclientClient } from './client.js';
import plugin from './index.js';

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => silent, isEnabled: () => false };

describe('the dhclient plugin entry', () => {
  let dir: string;
  let paths: Paths;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-dhclient-entry-'));
    const under = (p: string) => path.join(dir, p);
    paths = { root: dir, configFile: under('/etc/nmk/nmk.conf'), configDir: under('/etc/nmk/conf.d'), etcDir: under('/etc/nmk'), runDir: under('/run/nmk'), stateDir: under('/var/lib/nmk'), under };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function setup() {
    const provided: [unknown, unknown][] = [];
    const stops: (() => void | Promise<void>)[] = [];
    const ctx = { paths, logger: silent, provide: (t: unknown, v: unknown) => void provided.push([t, v]), onStop: (fn: () => void | Promise<void>) => void stops.push(fn) };
    await plugin.setup(ctx as never);
    return { provided, stops };
  }

  it('provides a DHCP client with DhclientClient\'s name and families', async () => {
    const { provided } = await setup();
    expect(provided).toHaveLength(1);
    const [token, factory] = provided[0] as [unknown, DhcpClientFactory];
    expect(token).toBe(Tokens.DhcpClient);
    const real = new DhclientClient({ paths, logger: silent });
    expect({ name: factory.name, families: factory.families }).toEqual({ name: real.name, families: real.families });
  });

  it('stops without a client ever started: nothing is opened under the run directory', async () => {
    const { stops } = await setup();
    expect(stops).toHaveLength(1);
    await stops[0]!();
    expect(fs.existsSync(paths.runDir)).toBe(false);
  });
});
