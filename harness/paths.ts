/** Locations inside the claimbench package, valid both from TypeScript sources and from `dist/`. */
import * as fs from 'node:fs';
import * as path from 'node:path';

let cachedRoot: string | undefined;

/** The folder holding claimbench's package.json (found by walking up from this file). */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'claimbench') {
      cachedRoot = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find claimbench's package.json above ${__dirname}`);
    dir = parent;
  }
}

export function claimsRoot(): string {
  return path.join(packageRoot(), 'claims');
}

/** Default folder for runs and the site: `reports/` in the package. */
export function defaultReportsDir(): string {
  return path.join(packageRoot(), 'reports');
}
