import * as path from 'node:path';
import { UsageError, selectClaims } from '../claims';
import { defaultReportsDir } from '../paths';
import { buildReport } from '../report/build';
import { resumeRun, runClaims, type RunEvent, type RunOutcome } from '../runner';
import { parseShard, shardClaims } from '../shards';
import { TIERS, type ClaimResult, type LoadedClaim, type Tier } from '../types';
import type { ClaimShareSummary } from '../claim-share';
import { describeCost, formatSeconds } from '../cost';
import { formatDuration, formatNumber, withMinusSign } from '../format';
import { claimsOption, loadValidClaims, parseCommandArgs, table, type Command } from './command';

const usage =
  'claimbench run [ids|globs…] [--tier quick|full|paper] [--out DIR] [--seed N] [--shard i/n] [--jobs N] [--backend NAME] [--timeout SECONDS] [--memory MiB] [--data-dir DIR] [--json] [--report] [--site DIR] [--claims DIR]\n' +
  '       claimbench run --resume <run-id> [--retry-errors] [--out DIR] [--timeout SECONDS] [--memory MiB] [--data-dir DIR] [--json] [--report]\n' +
  '  --data-dir DIR: the folder of the CIFAR-10 binary release (data_batch_1.bin …), over $CLAIMBENCH_CIFAR10_DIR';

export const runCommand: Command = {
  name: 'run',
  summary: 'run claims, score them and store results under DIR/runs/<run-id>/',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        ...claimsOption,
        tier: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        report: { type: 'boolean' },
        site: { type: 'string' },
        shard: { type: 'string' },
        resume: { type: 'string' },
        jobs: { type: 'string' },
        backend: { type: 'string' },
        timeout: { type: 'string' },
        memory: { type: 'string' },
        'data-dir': { type: 'string' },
        'retry-errors': { type: 'boolean' },
      },
      usage,
    );
    const outDir = path.resolve(values.out ?? defaultReportsDir());
    const all = loadValidClaims(values.claims);
    const jobs = values.jobs === undefined ? undefined : parseJobs(values.jobs);
    const limits = {
      ...(values.timeout === undefined ? {} : { timeoutSeconds: parsePositive('--timeout', values.timeout) }),
      ...(values.memory === undefined ? {} : { memoryMiB: parsePositive('--memory', values.memory, true) }),
      ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
    };
    let outcome: RunOutcome;
    if (values.resume !== undefined) {
      const fixed = (['tier', 'seed', 'shard'] as const).filter((k) => values[k] !== undefined);
      if (positionals.length > 0 || fixed.length > 0) {
        throw new UsageError(`--resume takes no claim selection${fixed.length ? ` and no ${fixed.map((k) => `--${k}`).join(', ')}` : ''}: it finishes the run with the claims, tier and seed it was started with`);
      }
      outcome = await resumeRun({ outDir, runId: values.resume, claims: all, jobs, backend: values.backend, retryErrors: values['retry-errors'], ...limits, onEvent: values.json ? undefined : progressPrinter(all) });
    } else {
      if (values['retry-errors']) throw new UsageError('--retry-errors goes with --resume <run-id>');
      const tier = parseTier(values.tier ?? 'quick');
      const seed = parseSeed(values.seed ?? '1');
      const shard = values.shard === undefined ? undefined : parseShard(values.shard);
      const selected = selectClaims(all, positionals);
      const { claims, unitClaims, unitPlans } = shard ? shardClaims(selected, shard, tier) : { claims: selected, unitClaims: [], unitPlans: {} };
      outcome = await runClaims({ claims, tier, seed, outDir, selection: positionals, shard, unitClaims, unitPlans, jobs, backend: values.backend, ...limits, onEvent: values.json ? undefined : progressPrinter(claims) });
    }
    const { manifest, results } = outcome;
    const runFolder = path.join(outDir, 'runs', manifest.id);
    if (values.json) {
      console.log(JSON.stringify({ ...jsonSummary(manifest.id, runFolder, results), ran: outcome.ran, ...(manifest.unitClaims ? { unitShares: outcome.shares } : {}) }));
    } else {
      if (results.length > 0) console.log(summaryTable(results, all));
      for (const s of outcome.shares) console.log(shareLine(s));
      const shardText = manifest.shard ? `, shard ${manifest.shard.index}/${manifest.shard.count}` : '';
      console.log(`\nrun ${manifest.id} (tier ${manifest.tier}, seed ${manifest.seed}${shardText}, ${formatDuration(manifest.durationMs ?? 0)})\nresults: ${runFolder}`);
    }
    if (values.report) {
      const site = path.resolve(values.site ?? path.join(outDir, 'site'));
      const summary = buildReport({ inDir: outDir, outDir: site });
      for (const p of summary.problems) console.error(`warning: skipped ${p.file}: ${p.message}`);
      if (!values.json) console.log(`site:    ${summary.indexFile}`);
    }
    return exitCode(results);
  },
};

/**
 * 0 when every claim that ran reproduced; 1 when some did not; 3 when some are inconclusive (a control
 * passed what it should have failed) and none failed; 2 when some errored (highest precedence).
 */
export function exitCode(results: Pick<ClaimResult, 'verdict'>[]): number {
  if (results.some((r) => r.verdict === 'error')) return 2;
  if (results.some((r) => r.verdict === 'not reproduced')) return 1;
  if (results.some((r) => r.verdict === 'inconclusive')) return 3;
  return 0;
}

export function parseTier(value: string | undefined): Tier {
  if (!TIERS.includes(value as Tier)) throw new UsageError(`unknown tier '${value}'; tiers are ${TIERS.join(', ')}`);
  return value as Tier;
}

export function parseSeed(value: string | undefined): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value ?? '') || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
    throw new UsageError(`--seed must be an integer in [0, 4294967295], got '${value}'`);
  }
  return seed;
}

/** A positive number (of seconds, or with `integer` of MiB). */
export function parsePositive(option: string, value: string, integer = false): number {
  const n = Number(value);
  if (!(integer ? /^\d+$/ : /^\d+(\.\d+)?$/).test(value) || !(n > 0)) throw new UsageError(`${option} must be a positive ${integer ? 'integer' : 'number'}, got '${value}'`);
  return n;
}

export function parseJobs(value: string): number {
  const jobs = Number(value);
  if (!/^\d+$/.test(value) || jobs < 1) throw new UsageError(`--jobs must be a positive integer, got '${value}'`);
  return jobs;
}

export function jsonSummary(id: string, dir: string, results: ClaimResult[]) {
  return {
    run: { id, dir },
    claims: results.map((r) => ({
      id: r.claimId,
      verdict: r.verdict,
      ...(r.reason ? { reason: r.reason } : {}),
      metrics: r.metrics,
      expectations: r.expectations.map((e) => ({ id: e.id, metric: e.metric, measured: e.measured, pass: e.pass })),
      controls: r.controls.map((c) => ({ id: c.id, status: c.status, discriminates: c.discriminates, ...(c.reason ? { reason: c.reason } : {}), mustFail: c.mustFail, expectations: c.expectations.map((e) => ({ id: e.id, measured: e.measured, pass: e.pass })) })),
    })),
  };
}

export const MARK: Record<ClaimResult['verdict'], string> = { reproduced: '✓', 'not reproduced': '✗', inconclusive: '?', error: '!', 'not run at this tier': '–' };

export function summaryTable(results: ClaimResult[], claims: LoadedClaim[]): string {
  const rows = results.map((r) => {
    const spec = claims.find((c) => c.spec.id === r.claimId)?.spec;
    const keyId = spec?.keyExpectation ?? spec?.expectations[0]?.id;
    // A claim that did not reproduce shows the first expectation it failed, not its key metric.
    const key = r.expectations.find((e) => !e.pass && r.verdict === 'not reproduced') ?? r.expectations.find((e) => e.id === keyId);
    // A tolerance stored by an older claimbench may hold ASCII minus signs: print it with the numbers' own sign.
    const keyText = r.verdict === 'inconclusive' && r.reason ? truncate(r.reason, 70) : key ? `${key.metric} = ${key.measured === null ? '—' : formatNumber(key.measured)} (want ${withMinusSign(key.tolerance)})` : r.reason ? truncate(r.reason, 70) : '';
    return [r.claimId, `${MARK[r.verdict]} ${r.verdict}`, keyText, controlsText(r), formatDuration(r.durationMs + r.controls.reduce((s, c) => s + c.durationMs, 0))];
  });
  return table(['claim', 'verdict', 'key (or first failing) metric vs tolerance', 'controls', 'time (with controls)'], rows);
}

/** How the claim's controls at this tier came out: "2/2 failed as required", or the ones that did not. */
function controlsText(r: ClaimResult): string {
  if (r.controls.length === 0) return '—';
  const failing = r.controls.filter((c) => c.status !== 'discriminated');
  if (failing.length === 0) return `${r.controls.length}/${r.controls.length} failed as required`;
  return failing.map((c) => `${c.id}: ${c.status}`).join('; ');
}

/** A shard's part of a split claim, in words. */
function shareLine(s: ClaimShareSummary): string {
  return `${s.claimId}: ${s.computed} of ${s.total} work units computed in shard ${s.shard.index}/${s.shard.count} (${formatDuration(s.durationMs)}); scored by 'claimbench merge'`;
}

function truncate(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

/** How often a log (stderr not a terminal) gets a progress line during a long claim. */
const LOG_PROGRESS_EVERY_MS = 60_000;

/**
 * Progress on stderr: one line per claim, updated in place on a terminal. In a log (a nightly job) a
 * long claim also prints `done/total` with the elapsed time at most once a minute.
 */
export function progressPrinter(claims: LoadedClaim[], options: { tty?: boolean; now?: () => number; write?: (text: string) => void } = {}): (event: RunEvent) => void {
  const tty = options.tty ?? process.stderr.isTTY;
  const now = options.now ?? Date.now;
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  let last = 0;
  let claimStart = 0;
  let place = '';
  return (event) => {
    if (event.type === 'backend') {
      write(`${event.line}\n`);
    } else if (event.type === 'claim-start') {
      claimStart = last = now();
      place = `[${event.index + 1}/${event.total}]`;
      const limits = [event.estimate ? `estimate ${describeCost(event.estimate)}` : '', event.budgetSeconds ? `budget ${formatSeconds(event.budgetSeconds)}` : ''].filter(Boolean).join('; ');
      write(`[${event.index + 1}/${event.total}] ${event.claimId}${limits ? ` (${limits})` : ''} …${tty ? '' : '\n'}`);
    } else if (event.type === 'progress') {
      const t = now();
      const control = event.controlId ? ` control ${event.controlId}` : '';
      const position = `${place || `[${claims.findIndex((c) => c.spec.id === event.claimId) + 1}/${claims.length}]`} ${event.claimId}${control} ${event.done}/${event.total}`;
      if (tty) {
        if (t - last < 100 && event.done < event.total) return;
        last = t;
        write(`\r${position}`);
      } else if (t - last >= LOG_PROGRESS_EVERY_MS && event.done < event.total) {
        last = t;
        write(`${position} (${formatDuration(t - claimStart)})\n`);
      }
    } else if (event.type === 'claim-end') {
      const r = event.result;
      const controls = r.controls.length > 0 ? ` + ${r.controls.length} control${r.controls.length === 1 ? '' : 's'} ${formatDuration(r.controls.reduce((s, c) => s + c.durationMs, 0))}` : '';
      const line = `[${event.index + 1}/${event.total}] ${r.claimId} ${MARK[r.verdict]} ${r.verdict} (${formatDuration(r.durationMs)}${controls})`;
      write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    } else if (event.type === 'claim-share') {
      const line = `[${event.index + 1}/${event.total}] ${shareLine(event.share)}`;
      write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    }
  };
}
