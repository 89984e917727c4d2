// `npm start` builds the web app only when its sources changed since the last build: a hash of every source file
// (web/src, index.html, the Vite config, the lock file of the packages it bundles) is kept beside node_modules' caches
// and compared with the sources' at each start. `npm run build:web` always builds.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'node_modules/.cache/congso/web-sources.sha256');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

const hash = createHash('sha256');
for (const file of [...files(join(root, 'web/src')), ...['web/index.html', 'web/vite.config.ts', 'package-lock.json'].map((f) => join(root, f))]) {
  hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update('\0');
}
const sources = hash.digest('hex');
const built = existsSync(join(root, 'web/dist/index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === sources;
if (built) console.log('Ứng dụng web đã được dựng từ đúng mã nguồn hiện tại; bỏ qua bước dựng.');
else {
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', 'web'], { cwd: root, stdio: 'inherit' });
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, sources);
}
