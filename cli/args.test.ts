import { describe, expect, it } from 'vitest';
import { parseArgs, parseBool } from './args.js';
import { parseDown, parseUp } from './commands/activation.js';
import { parseConnection } from './commands/connection.js';
import { parseDevice } from './commands/device.js';
import { CliError, Exit } from './exit-codes.js';

/** The CliError a call throws (the test fails if it does not throw one). */
function refusal(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('global options', () => {
  it('are taken before the object, as nmcli, and anywhere after it', () => {
    expect(parseArgs(['-w', '5', 'connection', 'up', 'lan'])).toEqual({ options: { terse: false, help: false, wait: 5 }, words: ['connection', 'up', 'lan'] });
    expect(parseArgs(['connection', 'up', 'lan', '--wait', '0', '-t'])).toEqual({ options: { terse: true, help: false, wait: 0 }, words: ['connection', 'up', 'lan'] });
    expect(parseArgs(['-f', 'NAME,UUID', 'c']).options.fields).toEqual(['NAME', 'UUID']);
    expect(parseArgs(['-wait', '7', 'c']).options.wait).toBe(7);
  });

  it('leave every word after -- alone (a profile named like an option)', () => {
    expect(parseArgs(['connection', 'up', '--', '-x', '--wait'])).toEqual({ options: { terse: false, help: false }, words: ['connection', 'up', '-x', '--wait'] });
  });

  it('refuse an unknown option, a missing value and a bad timeout with exit 2, naming them', () => {
    const unknown = refusal(() => parseArgs(['connection', 'up', 'lan', '--foo']));
    expect([unknown.code, unknown.message]).toEqual([Exit.USER_INPUT, "Option '--foo' is unknown, try 'nmk --help'."]);
    const missing = refusal(() => parseArgs(['connection', 'up', 'lan', '--wait']));
    expect([missing.code, missing.message]).toEqual([Exit.USER_INPUT, "missing argument for '--wait' option."]);
    for (const bad of ['x', '-1', '1.5', '']) {
      const e = refusal(() => parseArgs(['-w', bad, 'c']));
      expect([e.code, e.message]).toEqual([Exit.USER_INPUT, `'${bad}' is not a valid timeout.`]);
    }
  });
});

describe('nmcli booleans', () => {
  it.each([
    ['yes', true], ['Y', true], ['on', true], ['true', true], ['1', true],
    ['no', false], ['n', false], ['off', false], ['FALSE', false], ['0', false], ['of', false],
  ])('%s is %s', (word, value) => expect(parseBool('managed', word)).toBe(value));

  it('refuse anything else naming the property and the value, and "o" as ambiguous', () => {
    expect(refusal(() => parseBool('managed', 'maybe')).message).toBe("'managed': 'maybe' is not valid; use [true, yes, on] or [false, no, off].");
    expect(refusal(() => parseBool('autoconnect', 'o')).message).toBe("'autoconnect': 'o' is ambiguous (on, off).");
    expect(refusal(() => parseBool('managed', '')).code).toBe(Exit.USER_INPUT);
  });
});

describe('connection up and down', () => {
  it('take a profile with or without a selector, and ifname', () => {
    expect(parseUp(['lan'])).toEqual({ value: 'lan' });
    expect(parseUp(['uuid', 'abc', 'ifname', 'veth0'])).toEqual({ value: 'abc', selector: 'uuid', ifname: 'veth0' });
    expect(parseUp(['path', '3'])).toEqual({ value: '3', selector: 'path' });
    expect(parseDown(['apath', '/org/freedesktop/NetworkManager/ActiveConnection/1'])).toEqual({ value: '/org/freedesktop/NetworkManager/ActiveConnection/1', selector: 'apath' });
    expect(parseConnection(['up', 'lan'])).toEqual({ kind: 'up', value: 'lan' });
    expect(parseConnection(['d', 'lan'])).toEqual({ kind: 'down', value: 'lan' });
  });

  it('refuse a missing profile, a missing value and extra words with exit 2 and the usage', () => {
    const none = refusal(() => parseUp([]));
    expect(none.code).toBe(Exit.USER_INPUT);
    expect(none.message).toMatch(/^No connection specified\.\nUsage: nmk connection up/);
    expect(refusal(() => parseUp(['id'])).message).toMatch(/^id argument is missing\./);
    expect(refusal(() => parseUp(['lan', 'ifname'])).message).toMatch(/^ifname argument is missing\./);
    expect(refusal(() => parseUp(['lan', 'bogus'])).message).toMatch(/^invalid extra argument 'bogus'\./);
    expect(refusal(() => parseDown(['lan', 'other'])).message).toMatch(/^invalid extra argument 'other'\./);
    expect(refusal(() => parseConnection(['frob'])).message).toMatch(/^'connection frob' is not a known command/);
  });
});

describe('device commands', () => {
  it('parse connect, disconnect, reapply and status, with nmcli prefixes', () => {
    expect(parseDevice([])).toEqual({ kind: 'status' });
    expect(parseDevice(['c', 'veth0'])).toEqual({ kind: 'connect', ifname: 'veth0' });
    expect(parseDevice(['d', 'veth0'])).toEqual({ kind: 'disconnect', ifname: 'veth0' });
    expect(parseDevice(['reapply', 'veth0'])).toEqual({ kind: 'reapply', ifname: 'veth0' });
  });

  it('parse set with its properties in the order given', () => {
    expect(parseDevice(['set', 'veth0', 'managed', 'no'])).toEqual({ kind: 'set', ifname: 'veth0', values: [{ property: 'Managed', value: false }] });
    expect(parseDevice(['set', 'ifname', 'veth0', 'autoconnect', 'yes', 'managed', 'on'])).toEqual({
      kind: 'set', ifname: 'veth0', values: [{ property: 'Autoconnect', value: true }, { property: 'Managed', value: true }],
    });
  });

  it('refuse a missing device, property or value, an unknown property and extra words, with exit 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [['connect'], /^No interface specified\.\nUsage: nmk device/],
      [['disconnect', 'veth0', 'veth1'], /^invalid extra argument 'veth1'\./],
      [['set', 'veth0'], /^No property specified\./],
      [['set', 'veth0', 'mtu', '1400'], /^property 'mtu' is not known\./],
      [['set', 'veth0', 'managed'], /^'managed' argument is missing\./],
      [['set', 'veth0', 'managed', 'maybe'], /^'managed': 'maybe' is not valid/],
      [['frob'], /^'frob' is not a known command of 'device'/],
    ];
    for (const [args, message] of cases) {
      const e = refusal(() => parseDevice(args));
      expect(e.code, args.join(' ')).toBe(Exit.USER_INPUT);
      expect(e.message, args.join(' ')).toMatch(message);
    }
  });
});
