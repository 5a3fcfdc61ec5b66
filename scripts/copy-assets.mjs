// Built-in plugins ship compiled: copy each plugin's manifest next to its
// compiled entry so dist/plugins/<name>/ is a complete plugin folder.
import fs from 'node:fs';
import path from 'node:path';

const src = 'plugins';
for (const name of fs.readdirSync(src)) {
  const manifest = path.join(src, name, 'nmk-plugin.json');
  if (!fs.existsSync(manifest)) continue;
  const outDir = path.join('dist', 'plugins', name);
  fs.mkdirSync(outDir, { recursive: true });
  const m = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  // The source manifest may name a .ts entry; the compiled folder runs .js.
  if (m.entry) m.entry = m.entry.replace(/\.(m?)ts$/, '.$1js');
  fs.writeFileSync(path.join(outDir, 'nmk-plugin.json'), JSON.stringify(m, null, 2) + '\n');
}
