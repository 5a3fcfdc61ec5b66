/** The committed SDK surface report matches the SDK: a change to the contract shows in review. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('sdk/report.api.md', () => {
  it('is up to date (run node scripts/sdk-report.mjs after changing sdk/)', () => {
    expect(() => execFileSync(process.execPath, ['scripts/sdk-report.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
