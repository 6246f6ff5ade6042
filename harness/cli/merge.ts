import * as path from 'node:path';
import { defaultReportsDir } from '../paths';
import { findUnmergedShards, mergeShardRuns } from '../shards';
import { parseCommandArgs, type Command } from './command';

const usage = 'claimbench merge [shard-run-id…] [--in DIR] [--prune]';

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'combine the shard runs of one sharded run into a single run (--prune deletes the shards after)',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { in: { type: 'string' }, prune: { type: 'boolean' } }, usage);
    const inDir = path.resolve(values.in ?? defaultReportsDir());
    // Without ids: the one set of unmerged shard runs in the folder (what a CI matrix leaves behind).
    const ids = positionals.length > 0 ? positionals : findUnmergedShards(inDir);
    const merged = mergeShardRuns(inDir, ids, { prune: values.prune });
    console.log(`merged ${merged.mergedFrom?.length} shards (${merged.claims.length} claims) into run ${merged.id}\nresults: ${path.join(inDir, 'runs', merged.id)}`);
    return 0;
  },
};
