import * as path from 'node:path';
import { UsageError, selectClaims } from '../claims';
import { compareResults, latestResult, type ClaimComparison } from '../check';
import { formatNumber } from '../format';
import { defaultReportsDir } from '../paths';
import { runClaims } from '../runner';
import { readRuns } from '../store';
import { claimsOption, loadValidClaims, parseCommandArgs, table, type Command } from './command';
import { MARK, parseJobs, parseSeed, parseTier, progressPrinter } from './run';

const usage = 'claimbench check <ids|globs…> [--tier T] [--in DIR] [--seed N] [--jobs N] [--backend NAME] [--data-dir DIR] [--json] [--claims DIR]';

export const checkCommand: Command = {
  name: 'check',
  summary: 'run claims and compare with the latest stored run of the same tier (exit 1 on a regression, e.g. reproduced → inconclusive)',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      args,
      { ...claimsOption, tier: { type: 'string', default: 'quick' }, in: { type: 'string' }, seed: { type: 'string' }, jobs: { type: 'string' }, backend: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    if (positionals.length === 0) throw new UsageError(`check needs the ids or globs of the claims to check ('*' for all)\nusage: ${usage}`);
    const tier = parseTier(values.tier);
    const inDir = path.resolve(values.in ?? defaultReportsDir());
    const claims = selectClaims(loadValidClaims(values.claims), positionals);
    const { runs } = readRuns(inDir);
    const baselines = new Map(claims.map((c) => [c.spec.id, latestResult(runs, c.spec.id, tier)]));
    const unmatched = claims.filter((c) => baselines.get(c.spec.id) === null).map((c) => c.spec.id);
    // Nothing to compare with: running the claims would only produce a run, so say so before spending the time.
    if (unmatched.length === claims.length) {
      throw new UsageError(
        `no baseline: ${inDir} holds no stored result at tier ${tier} for ${describeIds(unmatched)}, so there is nothing to check against\n` +
          `hint: store a baseline first with 'claimbench run ${positionals.join(' ')} --tier ${tier} --out ${inDir}', or point --in at the folder that holds your runs`,
      );
    }
    // Same seed as the baseline, so any difference comes from the code, not from the draw.
    const baselineSeeds = [...new Set([...baselines.values()].flatMap((b) => (b ? [runs.find((r) => r.manifest.id === b.runId)?.manifest.seed ?? 1] : [])))];
    const seed = values.seed !== undefined ? parseSeed(values.seed) : baselineSeeds.length === 1 ? baselineSeeds[0] : 1;
    const jobs = values.jobs === undefined ? undefined : parseJobs(values.jobs);
    const { manifest, results } = await runClaims({ claims, tier, seed, outDir: inDir, selection: positionals, jobs, backend: values.backend, dataDir: values['data-dir'], onEvent: values.json ? undefined : progressPrinter(claims) });
    const comparisons = results.map((r) => compareResults(claims.find((c) => c.spec.id === r.claimId)!.spec, baselines.get(r.claimId) ?? null, r));
    if (values.json) {
      console.log(JSON.stringify({ run: { id: manifest.id, dir: path.join(inDir, 'runs', manifest.id) }, seed, noBaseline: unmatched, comparisons }));
    } else {
      console.log(comparisonTable(comparisons));
      for (const c of comparisons.filter((x) => x.before !== null && x.before !== x.after)) console.log(`\nFLIP ${c.claimId}: ${c.before} → ${c.after}`);
      for (const c of comparisons.filter((x) => x.controlFlips.length > 0)) {
        console.log(`\nCONTROLS ${c.claimId}:\n  ${c.controlFlips.map((f) => `${f.id}: ${f.before ?? 'not run'} → ${f.after ?? 'not run'}`).join('\n  ')}`);
      }
      for (const c of comparisons.filter((x) => x.regression)) console.log(`\nREGRESSION ${c.claimId}:\n  ${c.reasons.join('\n  ')}`);
      for (const id of unmatched) console.log(`\nNO BASELINE ${id}: no stored result at tier ${tier} to compare with; this check's run is its baseline from now on`);
      console.log(`\ncheck run ${manifest.id} (tier ${tier}, seed ${seed}) stored in ${inDir}`);
    }
    if (results.some((r) => r.verdict === 'error')) return 2;
    return comparisons.some((c) => c.regression) ? 1 : 0;
  },
};

function describeIds(ids: string[]): string {
  return ids.length === 1 ? `claim ${ids[0]}` : ids.length <= 3 ? `claims ${ids.join(', ')}` : `any of the ${ids.length} selected claims`;
}

function comparisonTable(comparisons: ClaimComparison[]): string {
  const rows = comparisons.map((c) => {
    const moved = c.changes.filter((m) => m.delta !== 0);
    const text = c.baselineRunId === null ? 'no baseline' : moved.length === 0 ? 'all metrics identical' : moved.slice(0, 3).map((m) => `${m.metric} ${m.before === null ? '—' : formatNumber(m.before)} → ${m.after === null ? '—' : formatNumber(m.after)}${m.beyondLimit ? ' (beyond limit)' : ''}`).join('; ') + (moved.length > 3 ? `; +${moved.length - 3} more` : '');
    const before = c.before ? `${MARK[c.before]} ${c.before}` : '—';
    return [c.claimId, `${before} → ${MARK[c.after]} ${c.after}`, text, c.regression ? 'REGRESSION' : c.baselineRunId === null ? 'NO BASELINE' : 'ok'];
  });
  return table(['claim', 'verdict (baseline → now)', 'metric changes', 'status'], rows);
}
