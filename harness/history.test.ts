import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  acceptedRange,
  buildHistories,
  changePoints,
  describeChange,
  isRunLive,
  keyMetricOf,
  keyMetricSeries,
  runState,
  stabilityText,
  supersededRuns,
  type HistoryOptions,
} from './history';
import { readRuns, type StoredRun } from './store';
import type { ClaimResult, ClaimSpec, RunManifest, Tier, Verdict } from './types';
import { FIXTURE_COMMIT, writeFixtureRun, setMeasured } from './report/fixture';

// ---------------------------------------------------------------------------------------------------
// Small in-memory runs

function manifest(id: string, over: Partial<RunManifest> = {}): RunManifest {
  return {
    schemaVersion: 1,
    id,
    status: 'complete',
    tier: 'quick',
    seed: 1,
    selection: ['*'],
    claims: ['p.a', 'p.b'],
    provenance: {
      commit: `${id.slice(-1).repeat(12)}${'0'.repeat(28)}`,
      dirty: false,
      node: 'v20',
      claimbench: '0.1.0',
      packages: {},
      platform: 'linux',
      arch: 'x64',
      cpu: 'cpu',
      cpus: 4,
      memoryGiB: 8,
      hostname: 'h',
      backend: 'b',
    },
    startedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}

function result(claimId: string, runId: string, verdict: Verdict, measured: number | null, tier: Tier = 'quick', over: Partial<ClaimResult> = {}): ClaimResult {
  return {
    schemaVersion: 2,
    controls: [],
    claimId,
    title: `Claim ${claimId}`,
    paperKey: 'p',
    runId,
    tier,
    seed: 1,
    verdict,
    kind: 'k',
    params: {},
    metrics: measured === null ? {} : { slope: measured },
    expectations: [
      { id: 'first', metric: 'other', comparator: 'atLeast', tolerance: '≥ 0', measured: 1, pass: true, rationale: 'r' },
      { id: 'slope', metric: 'slope', comparator: 'between', tolerance: '[1.8, 2.2]', measured, pass: verdict === 'reproduced', paper: { value: 2 }, rationale: 'r' },
    ],
    observations: [],
    startedAt: `${runId.slice(0, 10)}T01:00:00.000Z`,
    durationMs: 10,
    files: { spec: 'spec.json' },
    specSha256: 'x',
    ...over,
  };
}

const SPEC = {
  keyExpectation: 'slope',
  expectations: [
    { id: 'first', metric: 'other', comparator: 'atLeast', min: 0, rationale: 'r' },
    { id: 'slope', metric: 'slope', comparator: 'between', min: 1.8, max: 2.2, rationale: 'r' },
  ],
} as unknown as ClaimSpec;

function run(id: string, results: ClaimResult[], over: Partial<RunManifest> = {}): StoredRun {
  return { manifest: manifest(id, over), dir: `/nowhere/${id}`, results };
}

const pure: HistoryOptions = { specOf: () => SPEC, isLive: () => false };

// ---------------------------------------------------------------------------------------------------

describe('isRunLive', () => {
  const host = os.hostname();

  it('is never true for complete or incomplete runs', () => {
    expect(isRunLive({ status: 'complete', writer: { pid: process.pid, hostname: host } })).toBe(false);
    expect(isRunLive({ status: 'incomplete', writer: { pid: process.pid, hostname: host } })).toBe(false);
  });

  it('is false for a running run without a writer', () => {
    expect(isRunLive({ status: 'running' })).toBe(false);
  });

  it('is true while the writer process on this host exists', () => {
    expect(isRunLive({ status: 'running', writer: { pid: process.pid, hostname: host } })).toBe(true);
  });

  it('is false once the writer process on this host is gone (ESRCH)', () => {
    const child = spawnSync(process.execPath, ['-e', '0']);
    expect(child.status).toBe(0);
    expect(isRunLive({ status: 'running', writer: { pid: child.pid!, hostname: host } })).toBe(false);
  });

  it('trusts a writer on another host', () => {
    expect(isRunLive({ status: 'running', writer: { pid: 999_999_999, hostname: `${host}-elsewhere` } })).toBe(true);
  });

  it('treats a pid that is not a positive integer as dead', () => {
    for (const pid of [0, -1, 1.5, NaN]) expect(isRunLive({ status: 'running', writer: { pid, hostname: host } })).toBe(false);
  });

  it('takes the hostname to compare with as an argument', () => {
    expect(isRunLive({ status: 'running', writer: { pid: process.pid, hostname: 'a' } }, 'a')).toBe(true);
  });
});

describe('runState', () => {
  it('maps status and liveness to complete, running or incomplete', () => {
    expect(runState({ status: 'complete' }, () => true)).toBe('complete');
    expect(runState({ status: 'running' }, () => true)).toBe('running');
    expect(runState({ status: 'running' }, () => false)).toBe('incomplete');
    expect(runState({ status: 'incomplete' }, () => true)).toBe('incomplete');
  });
});

describe('buildHistories', () => {
  it('orders results oldest first per claim and tier, whatever the order of the runs', () => {
    const runs = [
      run('2025-01-03-c', [result('p.a', '2025-01-03-c', 'reproduced', 2.0)]),
      run('2025-01-01-a', [result('p.a', '2025-01-01-a', 'reproduced', 1.9), result('p.b', '2025-01-01-a', 'error', null)]),
      run('2025-01-02-b', [result('p.a', '2025-01-02-b', 'reproduced', 2.1, 'full')]),
    ];
    const histories = buildHistories(runs, pure);
    expect(histories.map((h) => `${h.claimId}@${h.tier}:${h.entries.length}`)).toEqual(['p.a@quick:2', 'p.a@full:1', 'p.b@quick:1']);
    const quick = histories[0]!;
    expect(quick.entries.map((e) => e.runId)).toEqual(['2025-01-01-a', '2025-01-03-c']);
    expect(quick.current.runId).toBe('2025-01-03-c');
    expect(quick.current.key).toMatchObject({ expectationId: 'slope', metric: 'slope', measured: 2.0, accepted: { min: 1.8, max: 2.2 }, paper: { value: 2 } });
    expect(quick.changePoints).toEqual([]);
  });

  it('orders runs by start time, then id, like readRuns (a merged run keeps its first shard’s time)', () => {
    const runs = [
      run('zz-merged', [result('p.a', 'zz-merged', 'reproduced', 2)], { startedAt: '2025-01-01T00:00:00.000Z', mergedFrom: ['gone'] }),
      run('aa-later', [result('p.a', 'aa-later', 'not reproduced', 3)], { startedAt: '2025-01-02T00:00:00.000Z' }),
    ];
    const [h] = buildHistories(runs, pure);
    expect(h!.entries.map((e) => e.runId)).toEqual(['zz-merged', 'aa-later']);
    expect(h!.current.verdict).toBe('not reproduced');
  });

  it('finds change points and describes them in words', () => {
    const ids = ['2025-01-01-1', '2025-01-02-2', '2025-01-03-3', '2025-01-04-4', '2025-01-05-5'];
    const verdicts: Verdict[] = ['reproduced', 'reproduced', 'not reproduced', 'not reproduced', 'reproduced'];
    const runs = ids.map((id, i) => run(id, [result('p.a', id, verdicts[i]!, verdicts[i] === 'reproduced' ? 2 : 3)]));
    const [h] = buildHistories(runs, pure);
    expect(h!.changePoints.map((c) => c.index)).toEqual([2, 4]);
    expect(h!.changePoints[0]!.text).toBe(
      'reproduced until run 2025-01-02-2 at commit 222222222222, not reproduced from run 2025-01-03-3 (commit 333333333333)',
    );
    expect(h!.changePoints[1]!.text).toBe(
      'not reproduced until run 2025-01-04-4 at commit 444444444444, reproduced since run 2025-01-05-5 (commit 555555555555)',
    );
    expect(stabilityText(h!)).toBe(`reproduced in the last run; ${h!.changePoints[1]!.text}`);
  });

  it('treats inconclusive as a verdict of its own in change points and stability', () => {
    const ids = ['2025-01-01-1', '2025-01-02-2', '2025-01-03-3'];
    const verdicts: Verdict[] = ['reproduced', 'inconclusive', 'inconclusive'];
    const [h] = buildHistories(ids.map((id, i) => run(id, [result('p.a', id, verdicts[i]!, 2)])), pure);
    expect(h!.current.verdict).toBe('inconclusive');
    expect(h!.changePoints.map((c) => c.index)).toEqual([1]);
    expect(h!.changePoints[0]!.text).toBe('reproduced until run 2025-01-01-1 at commit 111111111111, inconclusive since run 2025-01-02-2 (commit 222222222222)');
    expect(stabilityText(h!)).toBe(`inconclusive in the last 2 runs; ${h!.changePoints[0]!.text}`);
  });

  it('counts finished claims of incomplete and killed runs, flagged, and of live runs as in progress', () => {
    const runs = [
      run('2025-01-01-a', [result('p.a', '2025-01-01-a', 'reproduced', 2)]),
      run('2025-01-02-b', [result('p.a', '2025-01-02-b', 'reproduced', 2)], { status: 'incomplete' }),
      run('2025-01-03-c', [result('p.a', '2025-01-03-c', 'not reproduced', 3)], { status: 'running' }), // no writer: killed
      run('2025-01-04-d', [result('p.a', '2025-01-04-d', 'not reproduced', 3)], { status: 'running', writer: { pid: 1, hostname: 'elsewhere' } }),
    ];
    const [h] = buildHistories(runs, { specOf: () => SPEC }); // the real isRunLive
    expect(h!.entries.map((e) => [e.runState, e.incomplete])).toEqual([
      ['complete', false],
      ['incomplete', true],
      ['incomplete', true],
      ['running', true],
    ]);
    expect(h!.changePoints[0]!.text).toBe(
      'reproduced until run 2025-01-02-b (an incomplete run) at commit bbbbbbbbbbbb, not reproduced since run 2025-01-03-c (an incomplete run) (commit cccccccccccc)',
    );
  });

  it('leaves out shard runs that a present merged run replaces', () => {
    const runs = [
      run('2025-01-01-s1', [result('p.a', '2025-01-01-s1', 'reproduced', 2)], { shard: { index: 1, count: 2 } }),
      run('2025-01-01-s2', [result('p.b', '2025-01-01-s2', 'reproduced', 2)], { shard: { index: 2, count: 2 } }),
      run('2025-01-01-sm', [result('p.a', '2025-01-01-sm', 'reproduced', 2), result('p.b', '2025-01-01-sm', 'reproduced', 2)], {
        mergedFrom: ['2025-01-01-s1', '2025-01-01-s2', 'gone'],
      }),
    ];
    expect([...supersededRuns(runs)].sort()).toEqual(['2025-01-01-s1', '2025-01-01-s2']);
    const histories = buildHistories(runs, pure);
    expect(histories.map((h) => h.entries.map((e) => e.runId))).toEqual([['2025-01-01-sm'], ['2025-01-01-sm']]);
  });

  it('takes the key expectation from each run’s spec, and the series follows the current key only', () => {
    const oldSpec = { ...SPEC, keyExpectation: 'first' } as ClaimSpec;
    const runs = [
      run('2025-01-01-a', [result('p.a', '2025-01-01-a', 'reproduced', 1.9)]),
      run('2025-01-02-b', [result('p.a', '2025-01-02-b', 'reproduced', 2.0)]),
      run('2025-01-03-c', [result('p.a', '2025-01-03-c', 'not reproduced', null)]),
    ];
    const [h] = buildHistories(runs, { isLive: () => false, specOf: (r) => (r.manifest.id === '2025-01-01-a' ? oldSpec : SPEC) });
    expect(h!.entries.map((e) => e.key?.expectationId)).toEqual(['first', 'slope', 'slope']);
    const series = keyMetricSeries(h!)!;
    expect(series).toMatchObject({ expectationId: 'slope', metric: 'slope', tolerance: '[1.8, 2.2]', accepted: { min: 1.8, max: 2.2 } });
    expect(series.points.map((p) => [p.runId, p.measured, p.pass])).toEqual([
      ['2025-01-02-b', 2.0, true],
      ['2025-01-03-c', null, false],
    ]);
  });

  it('falls back to the first expectation without a spec, and to none without expectations', () => {
    const r = result('p.a', '2025-01-01-a', 'reproduced', 2);
    expect(keyMetricOf(r)?.expectationId).toBe('first');
    expect(keyMetricOf(r)?.accepted).toBeUndefined();
    expect(keyMetricOf({ ...r, expectations: [] })).toBeNull();
    const [h] = buildHistories([run('2025-01-01-a', [{ ...r, expectations: [] }])], { specOf: () => undefined, isLive: () => false });
    expect(keyMetricSeries(h!)).toBeNull();
    expect(stabilityText(h!)).toBe('reproduced in the only run');
  });
});

describe('acceptedRange', () => {
  it('turns every comparator into numeric bounds', () => {
    expect(acceptedRange({ comparator: 'between', min: 1, max: 2 })).toEqual({ min: 1, max: 2 });
    expect(acceptedRange({ comparator: 'atLeast', min: 0.9 })).toEqual({ min: 0.9 });
    expect(acceptedRange({ comparator: 'atMost', max: 1 })).toEqual({ max: 1 });
    expect(acceptedRange({ comparator: 'approximately', value: 0.05, tolerance: { relative: 0.5 } })).toEqual({ min: 0.025, max: 0.07500000000000001 });
    expect(acceptedRange({ comparator: 'approximately', value: -2, tolerance: { absolute: 0.5 } })).toEqual({ min: -2.5, max: -1.5 });
    expect(acceptedRange({ comparator: 'approximately', value: 1 })).toBeUndefined();
    expect(acceptedRange({ comparator: 'atLeast' })).toBeUndefined();
  });
});

describe('changePoints and describeChange', () => {
  it('says "from" for an earlier change and names unknown and dirty commits', () => {
    const runs = [
      run('2025-01-01-a', [result('p.a', '2025-01-01-a', 'reproduced', 2)], { provenance: { ...manifest('x').provenance, commit: null, dirty: null } }),
      run('2025-01-02-b', [result('p.a', '2025-01-02-b', 'error', null)], { provenance: { ...manifest('x').provenance, commit: 'abcdef0123456789', dirty: true } }),
    ];
    const [h] = buildHistories(runs, pure);
    const [cp] = changePoints(h!.entries);
    expect(describeChange(cp!.before, cp!.after, false)).toBe(
      'reproduced until run 2025-01-01-a at an unknown commit, error from run 2025-01-02-b (commit abcdef012345 with uncommitted changes)',
    );
  });
});

describe('histories from stored runs', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-history-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads each run’s spec.json for the key expectation', () => {
    writeFixtureRun(tmp, '2025-03-01T00-00-00Z-quick-000001', 'quick', { startedAt: '2025-03-01T00:00:00.000Z' });
    writeFixtureRun(tmp, '2025-03-02T00-00-00Z-quick-000002', 'quick', {
      startedAt: '2025-03-02T00:00:00.000Z',
      commit: 'f'.repeat(40),
      mutate: (claims) => setMeasured(claims[0]!, 'end-loss', 0.2, false),
    });
    const { runs, problems } = readRuns(tmp);
    expect(problems).toEqual([]);
    const h = buildHistories(runs).find((x) => x.claimId === 'gf15.monotone-path')!;
    expect(h.entries.map((e) => e.key?.expectationId)).toEqual(['end-loss', 'end-loss']); // keyExpectation, not the first
    expect(h.current.verdict).toBe('not reproduced');
    expect(h.changePoints[0]!.text).toBe(
      `reproduced until run 2025-03-01T00-00-00Z-quick-000001 at commit ${FIXTURE_COMMIT.slice(0, 12)}, not reproduced since run 2025-03-02T00-00-00Z-quick-000002 (commit ffffffffffff)`,
    );
    expect(keyMetricSeries(h)!.points.map((p) => p.measured)).toEqual([0.0512, 0.2]);
  });
});
