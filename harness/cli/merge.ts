import * as path from 'node:path';
import { mergeShardRuns } from '../merge';
import { defaultReportsDir } from '../paths';
import { findUnmergedShards } from '../shards';
import type { LoadedClaim } from '../types';
import { claimsOption, loadValidClaims, parseCommandArgs, type Command } from './command';
import { parseJobs, parsePositive, progressPrinter, summaryTable } from './run';

const usage = 'claimbench merge [shard-run-id…] [--in DIR] [--prune] [--claims DIR] [--jobs N] [--timeout SECONDS] [--memory MiB] [--data-dir DIR]';

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'combine the shard runs of one sharded run into a single run, scoring the claims split into work units (--prune deletes the shards after)',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      args,
      { ...claimsOption, in: { type: 'string' }, prune: { type: 'boolean' }, jobs: { type: 'string' }, timeout: { type: 'string' }, memory: { type: 'string' }, 'data-dir': { type: 'string' } },
      usage,
    );
    const inDir = path.resolve(values.in ?? defaultReportsDir());
    // Without ids: the one set of unmerged shard runs in the folder (what a CI matrix leaves behind).
    const ids = positionals.length > 0 ? positionals : findUnmergedShards(inDir);
    // The specs are read only when some claim was split into units: it runs again here to be scored.
    let loaded: LoadedClaim[] | undefined;
    const claims = (): LoadedClaim[] => (loaded ??= loadValidClaims(values.claims));
    const { manifest, results } = await mergeShardRuns(inDir, ids, {
      prune: values.prune,
      claims,
      ...(values.jobs === undefined ? {} : { jobs: parseJobs(values.jobs) }),
      ...(values.timeout === undefined ? {} : { timeoutSeconds: parsePositive('--timeout', values.timeout) }),
      ...(values.memory === undefined ? {} : { memoryMiB: parsePositive('--memory', values.memory, true) }),
      ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
      onEvent: progressPrinter([]),
    });
    console.log(summaryTable(results, loaded ?? []));
    console.log(`merged ${manifest.mergedFrom?.length} shards (${manifest.claims.length} claims) into run ${manifest.id}\nresults: ${path.join(inDir, 'runs', manifest.id)}`);
    return 0;
  },
};
