/** Provenance of a run: which code, which packages, which machine. Gathered once per run. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from './paths';
import type { Provenance } from './types';

/** Packages whose versions can change numbers or output; recorded when installed. */
const RECORDED_PACKAGES = ['ajv', 'handlebars', 'markdown-it', 'tinybench', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

export function gitState(root = packageRoot()): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null }; // not a git checkout (e.g. an installed package)
  }
}

export function installedVersion(name: string, root = packageRoot()): string | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version as string;
  } catch {
    return null;
  }
}

export function collectProvenance(backend: string): Provenance {
  const root = packageRoot();
  const packages: Record<string, string> = {};
  for (const name of RECORDED_PACKAGES) {
    const version = installedVersion(name, root);
    if (version) packages[name] = version;
  }
  const cpus = os.cpus();
  return {
    ...gitState(root),
    node: process.version,
    claimbench: JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version,
    packages,
    platform: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    cpu: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    hostname: os.hostname(),
    backend,
  };
}
