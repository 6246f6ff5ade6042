import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNS_FOLDER } from '../store';
import { defaultReportsDir } from '../paths';
import { buildReport } from '../report/build';
import { parseCommandArgs, type Command, noPositionals } from './command';

const usage = 'claimbench report [--in DIR] [--out SITE]';

export const reportCommand: Command = {
  name: 'report',
  summary: 'build the static HTML site from the runs stored under DIR/runs/',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { in: { type: 'string' }, out: { type: 'string' } }, usage);
    noPositionals(positionals, 'report', usage);
    const inDir = path.resolve(values.in ?? defaultReportsDir());
    const outDir = path.resolve(values.out ?? path.join(inDir, 'site'));
    if (!fs.existsSync(path.join(inDir, RUNS_FOLDER))) {
      throw new Error(`no runs under ${inDir}; run 'claimbench run' first (or pass --in DIR)`);
    }
    const summary = buildReport({ inDir, outDir });
    for (const p of summary.problems) console.error(`warning: skipped ${p.file}: ${p.message}`);
    console.log(`${summary.claims} claim${summary.claims === 1 ? '' : 's'} from ${summary.runs} run${summary.runs === 1 ? '' : 's'} → ${summary.indexFile}`);
    return 0;
  },
};
