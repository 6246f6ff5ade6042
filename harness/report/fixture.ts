/**
 * A small hand-made results folder (one run, three claims of two papers, every verdict shape) for the
 * report's tests and for previewing the site; options vary a run (status, commit, verdicts), and
 * `writeSyntheticHistory` writes hundreds of small nightly runs. Written the way the runner writes results, and valid
 * under `validateResult`.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../atomic';
import { claimDir, runDir } from '../store';
import { RESULT_SCHEMA_VERSION, type ClaimResult, type ClaimSpec, type ControlResult, type JsonValue, type PlotSpec, type RunManifest, type Tier } from '../types';

export const FIXTURE_RUN_ID = '2025-03-14T09-26-53Z-quick-1a2b3c';

export interface FixtureClaim {
  spec: ClaimSpec;
  result: Omit<ClaimResult, 'schemaVersion' | 'runId' | 'tier' | 'files' | 'specSha256' | 'paperKey' | 'title' | 'claimId' | 'kind' | 'controls'> & { controls?: ControlResult[] };
  evidence: Record<string, JsonValue>;
  plots: PlotSpec[];
}

const TIERS_ALL: ClaimSpec['tiers'] = { quick: { params: { steps: 41 } }, full: {}, paper: { unavailable: 'needs the ImageNet checkpoints' } };

function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

export function fixtureClaims(): FixtureClaim[] {
  const alphas = linspace(-0.5, 1.5, 41);
  const interp = alphas.map((a) => 0.05 + 2.3 * (1 - a) ** 2 * (a < 1 ? 1 : 0.2) + 0.02 * Math.sin(9 * a));
  const classes = ['flat minimum', 'sharp minimum', 'saddle'];
  const traces: PlotSpec['series'] = [];
  for (let i = 0; i < 120; i++) {
    const cls = classes[i % 3]!;
    const x = linspace(0, 1, 25);
    traces.push({
      name: `trace ${i}`,
      group: cls,
      mark: 'points',
      x,
      y: x.map((t, j) => (i % 3 === 0 ? 0.1 : i % 3 === 1 ? 0.6 : 0.35) + 0.3 * t * t + 0.02 * Math.cos(i * 1.7 + j)),
    });
  }
  return [
    {
      spec: {
        id: 'gf15.monotone-path',
        title: 'Loss decreases monotonically along the straight path from init to solution',
        paper: {
          key: 'gf15',
          citation: 'Goodfellow, Vinyals & Saxe (2015). Qualitatively characterizing neural network optimization problems. ICLR.',
          section: '3.1',
          figure: 'Figure 2',
        },
        statement:
          'For a **fully connected** network trained with SGD, the training loss along the line segment\n`θ(α) = (1 − α) θ₀ + α θ*` decreases *monotonically* for α ∈ [0, 1].',
        resolutions: '- The paper does not give the width; we use **256** hidden units.\n- "Monotone" is scored as at most one increase larger than 1e-3.',
        precision: 'float64',
        experiment: { kind: 'line-scan', params: { width: 256, steps: 41, alphaMin: -0.5, alphaMax: 1.5 } },
        tiers: TIERS_ALL,
        expectations: [
          { id: 'increases', metric: 'increases', comparator: 'atMost', max: 1, paper: { value: 0, text: 'none visible' }, rationale: 'Numerical noise on a flat stretch may add one tiny bump.' },
          { id: 'end-loss', metric: 'lossAtSolution', comparator: 'approximately', value: 0.05, tolerance: { relative: 0.5 }, paper: { value: 0.05 }, rationale: 'Only the order of magnitude is read off the figure.' },
        ],
        observations: [{ id: 'shape', metric: 'shape', description: 'Shape of the curve beyond α = 1', paper: { text: 'rises again' } }],
        keyExpectation: 'end-loss',
      },
      result: {
        seed: 3141592653,
        verdict: 'reproduced',
        params: { width: 256, steps: 41, alphaMin: -0.5, alphaMax: 1.5, optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 } },
        metrics: { increases: 0, lossAtSolution: 0.0512 },
        expectations: [
          { id: 'increases', metric: 'increases', comparator: 'atMost', tolerance: '≤ 1', measured: 0, pass: true, paper: { value: 0, text: 'none visible' }, rationale: 'Numerical noise on a flat stretch may add one tiny bump.' },
          { id: 'end-loss', metric: 'lossAtSolution', comparator: 'approximately', tolerance: '0.05 ± 50%', measured: 0.0512, pass: true, paper: { value: 0.05 }, rationale: 'Only the order of magnitude is read off the figure.' },
        ],
        observations: [{ id: 'shape', metric: 'shape', description: 'Shape of the curve beyond α = 1', measured: 'rises again', paper: { text: 'rises again' } }],
        startedAt: '2025-03-14T09:26:54.120Z',
        durationMs: 12_840,
      },
      evidence: { alphas, loss: interp },
      plots: [
        {
          id: 'interpolation',
          title: 'Training loss along θ(α)',
          caption: 'α = 0 is the initialisation, α = 1 the SGD solution.',
          x: { label: 'α' },
          y: { label: 'training loss', scale: 'log' },
          series: [
            { name: 'training loss', mark: 'line', x: alphas, y: interp },
            { name: 'endpoints', mark: 'points', x: [0, 1], y: [interp[10]!, interp[30]!] },
            { name: 'degenerate', mark: 'points', x: [0.5, 0.7], y: [0, -1] },
          ],
        },
      ],
    },
    {
      spec: {
        id: 'gf15.three-basins',
        title: 'Random restarts fall into a handful of basin classes',
        paper: { key: 'gf15', citation: 'Goodfellow, Vinyals & Saxe (2015). Qualitatively characterizing neural network optimization problems. ICLR.', section: '4' },
        statement: 'Restarting from 120 random seeds yields solutions whose loss profiles fall into **three** classes.',
        precision: 'float32',
        experiment: { kind: 'restarts', params: { restarts: 120 } },
        tiers: TIERS_ALL,
        expectations: [{ id: 'classes', metric: 'classes', comparator: 'between', min: 2, max: 4, paper: { value: 3 }, rationale: 'Clustering of profiles is sensitive to the threshold; ±1 class is the same qualitative picture.' }],
      },
      result: {
        seed: 2718281828,
        verdict: 'not reproduced',
        params: { restarts: 120 },
        metrics: { classes: 7 },
        expectations: [{ id: 'classes', metric: 'classes', comparator: 'between', tolerance: '[2, 4]', measured: 7, pass: false, paper: { value: 3 }, rationale: 'Clustering of profiles is sensitive to the threshold; ±1 class is the same qualitative picture.' }],
        observations: [],
        startedAt: '2025-03-14T09:27:07.002Z',
        durationMs: 187_400,
      },
      evidence: { profiles: traces.map((t) => t.y) },
      plots: [
        {
          id: 'profiles',
          title: 'Loss profiles of 120 restarts, by class',
          x: { label: 'normalised distance' },
          y: { label: 'loss' },
          series: traces,
        },
      ],
    },
    {
      spec: {
        id: 'l0l1.smoothness-bound',
        title: 'Gradient norm bounds local smoothness <script>alert("title")</script>',
        paper: { key: 'l0l1', citation: 'Zhang, He, Sra & Jadbabaie (2020). Why gradient clipping accelerates training. ICLR.', section: 'Appendix B', figure: 'Figure 1' },
        statement:
          'Along training, **local smoothness** L(θ) ≤ L₀ + L₁‖∇f(θ)‖. <script>alert("statement")</script>\n\nSee https://openreview.net/forum?id=BJgnXpVYwS.',
        resolutions: '<b>raw html</b> is shown as text.',
        precision: 'float64',
        experiment: { kind: 'smoothness', params: {} },
        tiers: TIERS_ALL,
        expectations: [{ id: 'fit', metric: 'r2', comparator: 'atLeast', min: 0.9, rationale: 'A linear relation should explain most variance.' }],
      },
      result: {
        seed: 1,
        verdict: 'error',
        reason: 'experiment threw: Hessian-vector product diverged at step 17 (NaN in layer 2)',
        params: {},
        metrics: {},
        expectations: [{ id: 'fit', metric: 'r2', comparator: 'atLeast', tolerance: '≥ 0.9', measured: null, pass: false, rationale: 'A linear relation should explain most variance.' }],
        observations: [],
        startedAt: '2025-03-14T09:30:14.500Z',
        durationMs: 640,
      },
      evidence: {},
      plots: [],
    },
  ];
}

export interface FixtureRunOptions {
  /** Manifest status (default `complete`); `running` runs get no `endedAt`. */
  status?: RunManifest['status'];
  writer?: RunManifest['writer'];
  commit?: string | null;
  dirty?: boolean | null;
  startedAt?: string;
  /** Write results only for these claim ids (the manifest still lists every claim). */
  only?: string[];
  /** Change the claims (verdicts, measured values) before they are written. */
  mutate?: (claims: FixtureClaim[]) => void;
}

export const FIXTURE_COMMIT = '9f2c4e1a7b3d5e6f708192a3b4c5d6e7f8091a2b';

function fixtureManifest(runId: string, tier: Tier, claimIds: string[], options: FixtureRunOptions): RunManifest {
  const status = options.status ?? 'complete';
  const startedAt = options.startedAt ?? '2025-03-14T09:26:53.000Z';
  const manifest: RunManifest = {
    schemaVersion: 1,
    id: runId,
    status,
    tier,
    seed: 20250314,
    selection: ['*'],
    claims: claimIds,
    provenance: {
      commit: options.commit === undefined ? FIXTURE_COMMIT : options.commit,
      dirty: options.dirty === undefined ? false : options.dirty,
      node: 'v20.11.1',
      claimbench: '0.1.0',
      packages: { ajv: '8.20.0', handlebars: '4.7.8' },
      platform: 'linux',
      arch: 'x64',
      cpu: 'AMD EPYC 7B13',
      cpus: 16,
      memoryGiB: 62.8,
      hostname: 'lab-runner-3',
      backend: 'cpu (float64 typed arrays)',
    },
    startedAt,
  };
  if (options.writer) manifest.writer = options.writer;
  if (status !== 'running') {
    manifest.endedAt = new Date(Date.parse(startedAt) + 202_200).toISOString();
    manifest.durationMs = 202_200;
  }
  return manifest;
}

function fixtureResult(claim: FixtureClaim, runId: string, tier: Tier, specText: string): ClaimResult {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    controls: [],
    claimId: claim.spec.id,
    title: claim.spec.title,
    paperKey: claim.spec.paper.key,
    runId,
    tier,
    kind: claim.spec.experiment.kind,
    ...claim.result,
    files: { spec: 'spec.json', evidence: 'evidence.json', plots: 'plots.json' },
    specSha256: crypto.createHash('sha256').update(specText).digest('hex'),
  };
}

/** Writes a run of the fixture claims under `<dir>/runs/<runId>` (complete by default) and returns its folder. */
export function writeFixtureRun(dir: string, runId = FIXTURE_RUN_ID, tier: Tier = 'quick', options: FixtureRunOptions = {}): string {
  const claims = fixtureClaims();
  if (options.startedAt) {
    // keep each claim's offset from the run start
    const shift = Date.parse(options.startedAt) - Date.parse('2025-03-14T09:26:53.000Z');
    for (const c of claims) c.result.startedAt = new Date(Date.parse(c.result.startedAt) + shift).toISOString();
  }
  options.mutate?.(claims);
  const manifest = fixtureManifest(runId, tier, claims.map((c) => c.spec.id), options);
  writeJsonAtomic(path.join(runDir(dir, runId), 'manifest.json'), manifest);
  for (const claim of claims) {
    if (options.only && !options.only.includes(claim.spec.id)) continue;
    const folder = claimDir(dir, runId, claim.spec.id);
    const specText = JSON.stringify(claim.spec, null, 1) + '\n';
    writeJsonAtomic(path.join(folder, 'spec.json'), claim.spec);
    writeJsonAtomic(path.join(folder, 'evidence.json'), claim.evidence);
    writeJsonAtomic(path.join(folder, 'plots.json'), claim.plots);
    writeJsonAtomic(path.join(folder, 'result.json'), fixtureResult(claim, runId, tier, specText));
  }
  return runDir(dir, runId);
}

/** Sets the measured value of an expectation (and its metric) and rescores its pass flag and the verdict. */
export function setMeasured(claim: FixtureClaim, expectationId: string, measured: number, pass: boolean): void {
  const e = claim.result.expectations.find((x) => x.id === expectationId);
  if (!e) throw new Error(`no expectation ${expectationId} in ${claim.spec.id}`);
  e.measured = measured;
  e.pass = pass;
  claim.result.metrics[e.metric] = measured;
  claim.result.verdict = claim.result.expectations.every((x) => x.pass) ? 'reproduced' : 'not reproduced';
}

/**
 * Writes `count` small nightly runs (one a day from 2024-01-01, tier `full`) of two fixture claims, fast
 * (plain writes, no evidence or plot files). `gf15.monotone-path` is not reproduced in runs
 * `failFrom`…`failTo` (1-based, default 300–319); `gf15.three-basins` is reproduced until `basinsFailFrom`
 * (default 390) and not reproduced from then on. Returns the run ids, oldest first.
 */
export function writeSyntheticHistory(dir: string, count: number, options: { failFrom?: number; failTo?: number; basinsFailFrom?: number } = {}): string[] {
  const failFrom = options.failFrom ?? 300;
  const failTo = options.failTo ?? 319;
  const basinsFailFrom = options.basinsFailFrom ?? 390;
  const base = fixtureClaims()
    .filter((c) => c.spec.id === 'gf15.monotone-path' || c.spec.id === 'gf15.three-basins')
    .map((c): FixtureClaim => ({ ...c, evidence: {}, plots: [] })); // only spec and result are written
  const specTexts = base.map((c) => JSON.stringify(c.spec, null, 1) + '\n');
  const ids: string[] = [];
  const write = (file: string, value: unknown): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value));
  };
  for (let i = 1; i <= count; i++) {
    const start = new Date(Date.UTC(2024, 0, 1, 3, 0, 0) + (i - 1) * 86_400_000);
    const runId = `${start.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}-full-${i.toString(16).padStart(6, '0')}`;
    ids.push(runId);
    const commit = crypto.createHash('sha1').update(`commit ${Math.ceil(i / 3)}`).digest('hex');
    write(path.join(runDir(dir, runId), 'manifest.json'), fixtureManifest(runId, 'full', base.map((c) => c.spec.id), { commit, startedAt: start.toISOString() }));
    base.forEach((template, k) => {
      const claim: FixtureClaim = JSON.parse(JSON.stringify(template));
      if (claim.spec.id === 'gf15.monotone-path') {
        const failing = i >= failFrom && i <= failTo;
        setMeasured(claim, 'end-loss', failing ? 0.09 + 0.002 * Math.sin(i) : 0.05 + 0.01 * Math.sin(i / 7), !failing);
      } else {
        const failing = i >= basinsFailFrom;
        setMeasured(claim, 'classes', failing ? 7 : 3, !failing);
      }
      claim.result.startedAt = new Date(start.getTime() + 1000 * (k + 1)).toISOString();
      const folder = claimDir(dir, runId, claim.spec.id);
      write(path.join(folder, 'spec.json'), claim.spec);
      const result = fixtureResult(claim, runId, 'full', specTexts[k]!);
      result.files = { spec: 'spec.json' };
      write(path.join(folder, 'result.json'), result);
    });
  }
  return ids;
}

/** One benchmark record as `npm run bench` stores it, for tests and previews. */
export function benchRecord(id: string, startedAt: string, tasks: { suite?: string; task: string; meanMs: number }[], machine: { cpu?: string; cpus?: number; hostname?: string } = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    id,
    startedAt,
    provenance: {
      commit: FIXTURE_COMMIT,
      dirty: false,
      node: 'v20.11.1',
      claimbench: '0.1.0',
      packages: {},
      platform: 'linux',
      arch: 'x64',
      cpu: machine.cpu ?? 'AMD EPYC 7B13',
      cpus: machine.cpus ?? 16,
      memoryGiB: 62.8,
      hostname: machine.hostname ?? 'lab-runner-3',
      backend: 'float64-js',
    },
    tasks: tasks.map((t) => ({ suite: t.suite ?? 'float64 engine', task: t.task, samples: 50, meanMs: t.meanMs, medianMs: t.meanMs * 0.98, minMs: t.meanMs * 0.9, rmePercent: 1.2 })),
  };
}
