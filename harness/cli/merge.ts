import * as path from 'node:path';
import { defaultReportsDir } from '../paths';
import { mergeShardRuns } from '../shards';
import { parseCommandArgs, type Command } from './command';

const usage = 'claimbench merge <shard-run-id…> [--in DIR]';

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'combine the shard runs of one sharded run into a single run',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { in: { type: 'string' } }, usage);
    const inDir = path.resolve(values.in ?? defaultReportsDir());
    const merged = mergeShardRuns(inDir, positionals);
    console.log(`merged ${merged.mergedFrom?.length} shards (${merged.claims.length} claims) into run ${merged.id}\nresults: ${path.join(inDir, 'runs', merged.id)}`);
    return 0;
  },
};
