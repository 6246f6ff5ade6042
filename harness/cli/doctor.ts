import * as path from 'node:path';
import { UsageError, selectClaims } from '../claims';
import { writeJsonAtomic } from '../atomic';
import { defaultReportsDir } from '../paths';
import { collectProvenance } from '../provenance';
import { FLOAT64_BACKEND, newRunId, runClaims } from '../runner';
import { TIERS, type Tier } from '../types';
import { claimsOption, loadValidClaims, parseCommandArgs, type Command } from './command';

const usage =
  'claimbench doctor [--backend NAME] [--sizes paper|small] [--repeats N] [--claim ID] [--tier T] [--no-claim] [--out DIR] [--claims DIR]';

/** The float32 claim run by default: one whose paper tier fits a GPU (all of MNIST, ≈ 61 000 SGD steps). */
const DEFAULT_CLAIM = 'he2019.swa-network-flat-side';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check a GPU machine: list adapters, check the float32 engine against float64, time it, run a float32 claim',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        ...claimsOption,
        backend: { type: 'string' },
        sizes: { type: 'string', default: 'paper' },
        repeats: { type: 'string', default: '5' },
        claim: { type: 'string', default: DEFAULT_CLAIM },
        tier: { type: 'string', default: 'paper' },
        'no-claim': { type: 'boolean' },
        out: { type: 'string' },
      },
      usage,
    );
    if (positionals.length > 0) throw new UsageError(`doctor takes no positional arguments, got ${positionals.join(' ')}\nusage: ${usage}`);
    if (values.sizes !== 'paper' && values.sizes !== 'small') throw new UsageError(`--sizes must be paper or small, got '${values.sizes}'`);
    const repeats = Number(values.repeats);
    if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError(`--repeats must be a positive integer, got '${values.repeats}'`);
    if (!(TIERS as readonly string[]).includes(values.tier)) throw new UsageError(`unknown tier '${values.tier}'; tiers: ${TIERS.join(', ')}`);
    const claim = values['no-claim'] ? null : selectClaims(loadValidClaims(values.claims), [values.claim])[0];
    if (claim && claim.spec.precision !== 'float32') throw new UsageError(`${claim.spec.id} runs on the float64 engine, not on a tfjs backend; name a float32 claim`);
    const outDir = path.resolve(values.out ?? defaultReportsDir());

    const { gpuCheck } = await import('../../bench/gpu-check');
    const log = (line: string): void => void process.stderr.write(`${line}\n`);
    const report = await gpuCheck({ backend: values.backend, repeats, sizes: values.sizes, log });
    let claimRun: { id: string; tier: Tier; runId: string; verdict: string; durationMs: number; reason?: string } | undefined;
    if (claim) {
      log(`running ${claim.spec.id} at ${values.tier} on ${report.backend.name}…`);
      const outcome = await runClaims({ claims: [claim], tier: values.tier as Tier, seed: 1, outDir, selection: [claim.spec.id], backend: report.backend.name });
      const result = outcome.results[0];
      claimRun = { id: result.claimId, tier: result.tier, runId: outcome.manifest.id, verdict: result.verdict, durationMs: result.durationMs, ...(result.reason ? { reason: result.reason } : {}) };
      log(`${result.claimId}: ${result.verdict} in ${(result.durationMs / 1000).toFixed(1)} s (run ${outcome.manifest.id})`);
    }
    const id = newRunId('quick').replace('-quick-', '-gpu-check-');
    const file = path.join(outDir, 'gpu-check', `${id}.json`);
    writeJsonAtomic(file, { ...report, provenance: collectProvenance(`${FLOAT64_BACKEND}; tfjs ${report.backend.line}`), ...(claimRun ? { claim: claimRun } : {}) });
    console.log(`wrote ${file}`);
    const healthy = report.equivalence.pass && report.deviceErrors.length === 0 && claimRun?.verdict !== 'error';
    return healthy ? 0 : 1;
  },
};
