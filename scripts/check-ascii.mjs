// The build's last step: every compiled .js file must be plain ASCII. V8 keeps
// each loaded module's source text in the heap for its lifetime, as one byte
// per character only when all of it is Latin-1: a single "→" in a message
// doubles that module's share of an idle daemon's memory. Comments are
// stripped from the build (tsconfig.json removeComments), so only string
// literals and regular expressions can carry such characters: write them as
// \uXXXX escapes.
import fs from 'node:fs';
import path from 'node:path';

const problems = [];
function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.js')) {
      const text = fs.readFileSync(p, 'latin1');
      const at = text.search(/[^\x00-\x7f]/);
      if (at >= 0) problems.push(`${p}:${text.slice(0, at).split('\n').length}: a non-ASCII character; write it as a \\u escape in the source`);
    }
  }
}
walk('dist');
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
