/**
 * `node -r` hook that loads TypeScript sources with swc (types stripped, no type check), as jest's own
 * transform does. Child processes and worker threads started from the sources (tests) use it; from
 * dist/ they run plain JavaScript and never load it. Compiled files are cached by content hash under
 * node_modules/.cache, so each new process compiles only what changed.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const options = { module: { type: 'commonjs' }, jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, sourceMaps: 'inline' };
const cacheDir = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'claimbench-ts');
let swc;

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha256').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    swc ??= require('@swc/core');
    code = swc.transformSync(source, { ...options, filename }).code;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
    } catch {
      // a read-only install: compile every time
    }
  }
  module._compile(code, filename);
};
