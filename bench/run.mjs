// Runs every benchmark under bench/ (each prints its own lines). Needs root and a build.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const jiti = 'node_modules/jiti/lib/jiti-cli.mjs';
if (!fs.existsSync('dist/core/main.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
const only = process.argv.slice(2);
const files = fs
  .readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && !f.includes('.inner.') && !f.includes('.lib.'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`# bench/${f}`);
  try {
    execFileSync(process.execPath, [jiti, `bench/${f}`], { stdio: 'inherit' });
  } catch {
    failed++;
    console.log(`# bench/${f} failed`);
  }
}
process.exit(failed ? 1 : 0);
