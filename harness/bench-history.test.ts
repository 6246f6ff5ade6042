import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchHistory, checkBenchRun, flagSlowdowns, machineKey, readBenchRuns, type BenchRun } from './bench-history';
import { median } from './fit';
import { benchRecord } from './report/fixture';

function day(i: number): string {
  return new Date(Date.UTC(2025, 0, 1 + i)).toISOString();
}

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('flagSlowdowns', () => {
  it('flags planted slowdowns against the rolling median of earlier runs', () => {
    const means = [10, 10.2, 9.9, 10.1, 10, 11, 10.1, 9.8, 12.5, 10];
    const checks = flagSlowdowns(means);
    expect(checks.map((c) => c.slowdown)).toEqual([false, false, false, false, false, true, false, false, true, false]);
    expect(checks[0]).toEqual({ baseline: null, previousRuns: 0, changePercent: null, slowdown: false });
    expect(checks[9]!.previousRuns).toBe(9);
    expect(flagSlowdowns(Array(30).fill(1))[29]!.previousRuns).toBe(10); // the window
    expect(checks[5]!.baseline).toBe(10);
    expect(checks[5]!.changePercent).toBeCloseTo(10);
    expect(checks[8]!.baseline).toBe(10.05); // median of 10, 10.2, 9.9, 10.1, 10, 11, 10.1, 9.8
  });

  it('needs more than the threshold: 5 % exactly is not a slowdown', () => {
    expect(flagSlowdowns([100, 100, 100, 105]).map((c) => c.slowdown)).toEqual([false, false, false, false]);
    expect(flagSlowdowns([100, 100, 100, 105.01]).map((c) => c.slowdown)).toEqual([false, false, false, true]);
    expect(flagSlowdowns([100, 103], { thresholdPercent: 2, minPrevious: 1 })[1]!.slowdown).toBe(true);
  });

  it('looks back over the window only', () => {
    // ten slow runs long ago, then ten fast ones: with window 10 the baseline is the fast runs only; with
    // window 20 the slow runs pull the baseline up to 15
    const means = [...Array(10).fill(20), ...Array(10).fill(10), 20];
    expect(flagSlowdowns(means, { window: 10 })[20]).toMatchObject({ baseline: 10, slowdown: true });
    expect(flagSlowdowns(means, { window: 20 })[20]).toMatchObject({ baseline: 15, slowdown: true });
    expect(flagSlowdowns(means, { window: 20, thresholdPercent: 50 })[20]!.slowdown).toBe(false);
  });

  it('waits for minPrevious earlier runs and ignores non-finite means', () => {
    expect(flagSlowdowns([10, 20, 30], { minPrevious: 2 }).map((c) => c.slowdown)).toEqual([false, false, true]);
    expect(flagSlowdowns([10, NaN, 12], { minPrevious: 1 }).map((c) => c.slowdown)).toEqual([false, false, true]);
    // By default a median needs 3 earlier runs: one noisy run is no baseline.
    expect(flagSlowdowns([10, 20, 30]).map((c) => c.slowdown)).toEqual([false, false, false]);
  });

  it('never flags a speed-up', () => {
    expect(flagSlowdowns([10, 10, 5, 5]).some((c) => c.slowdown)).toBe(false);
    expect(flagSlowdowns([10, 10, 10, 5])[3]!.changePercent).toBe(-50);
  });
});

describe('benchHistory', () => {
  const A = { cpu: 'Xeon', cpus: 8, hostname: 'a' };
  const B = { cpu: 'Xeon', cpus: 8, hostname: 'b' };

  it('groups by task and machine and compares timings on the same machine only', () => {
    const runs: BenchRun[] = [];
    for (let i = 0; i < 12; i++) {
      // machine A: steady 1 ms, slowdown planted in run 8; machine B is twice as slow throughout
      runs.push(benchRecord(`a${i}`, day(i), [{ task: 'loss', meanMs: i === 8 ? 1.2 : 1 }, { task: 'grad', meanMs: 3 }], A) as unknown as BenchRun);
      runs.push(benchRecord(`b${i}`, day(i), [{ task: 'loss', meanMs: 2 }], B) as unknown as BenchRun);
    }
    runs.push(benchRecord('a-last', day(20), [{ task: 'loss', meanMs: 1 }, { task: 'grad', meanMs: 3.3 }], A) as unknown as BenchRun);
    const series = benchHistory(runs.reverse()); // order comes from startedAt, not from the input
    expect(series.map((s) => `${s.task} @ ${s.machine}`)).toEqual([
      'loss @ Xeon, 8 threads on a', // newest run first among machines
      'loss @ Xeon, 8 threads on b',
      'grad @ Xeon, 8 threads on a',
    ]);
    const lossA = series[0]!;
    expect(lossA.points).toHaveLength(13);
    expect(lossA.points.filter((p) => p.slowdown).map((p) => p.runId)).toEqual(['a8']);
    expect(lossA.slowdowns).toBe(1);
    expect(lossA.latest).toMatchObject({ runId: 'a-last', baseline: 1, slowdown: false });
    expect(series[1]!.slowdowns).toBe(0); // B is slower than A, but never compared with it
    expect(series[2]!.latest).toMatchObject({ runId: 'a-last', baseline: 3, slowdown: true });
    expect(series[2]!.latest.changePercent).toBeCloseTo(10);
  });

  it('names machines by CPU, threads and host', () => {
    expect(machineKey({ cpu: 'M2', cpus: 8, hostname: 'lab' })).toBe('M2, 8 threads on lab');
    expect(machineKey(undefined)).toBe('unknown CPU, unknown threads on unknown host');
  });
});

describe('readBenchRuns', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-bench-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads good records oldest first and reports bad files by name', () => {
    fs.writeFileSync(path.join(tmp, 'z-old.json'), JSON.stringify(benchRecord('old', day(1), [{ task: 't', meanMs: 1 }])));
    fs.writeFileSync(path.join(tmp, 'a-new.json'), JSON.stringify(benchRecord('new', day(2), [{ task: 't', meanMs: 1 }])));
    fs.writeFileSync(path.join(tmp, 'broken.json'), '{"schemaVersion": 1, ');
    fs.writeFileSync(path.join(tmp, 'foreign.json'), JSON.stringify({ hello: 'world' }));
    fs.writeFileSync(path.join(tmp, 'nan.json'), JSON.stringify({ ...benchRecord('x', day(3), [{ task: 't', meanMs: 1 }]), tasks: [{ suite: 's', task: 't', meanMs: 'fast' }] }));
    fs.writeFileSync(path.join(tmp, 'notes.txt'), 'hi');
    fs.writeFileSync(path.join(tmp, '.claimbench-tmp-1-x.json'), '{');
    fs.mkdirSync(path.join(tmp, 'sub'));
    const { runs, problems } = readBenchRuns(tmp);
    expect(runs.map((r) => r.id)).toEqual(['old', 'new']);
    expect(problems.map((p) => path.basename(p.file)).sort()).toEqual(['broken.json', 'foreign.json', 'nan.json', 'notes.txt', 'sub']);
    expect(problems.find((p) => p.file.endsWith('foreign.json'))!.message).toMatch(/not a claimbench benchmark result: schemaVersion/);
    expect(problems.find((p) => p.file.endsWith('nan.json'))!.message).toMatch(/tasks\/0\/meanMs/);
  });

  it('returns nothing, and no problem, when the folder does not exist', () => {
    expect(readBenchRuns(path.join(tmp, 'missing'))).toEqual({ runs: [], problems: [] });
  });

  it('accepts exactly what bench/main.ts writes', () => {
    expect(checkBenchRun(benchRecord('x', day(0), [{ task: 't', meanMs: 1 }]))).toBe('');
    expect(checkBenchRun([])).toBe('not an object');
    expect(checkBenchRun({ ...benchRecord('x', day(0), []), startedAt: 'yesterday' })).toBe('startedAt is not a date');
  });
});
