import * as path from 'node:path';
import { fromExactJson, toExactJson } from './exact-json';
import { defaultMemoryMiB } from './isolation';
import { UnitReplayError, UnitsStored, combineScope, computeUnits, inputSha256, localUnits, replayUnits, shardUnits, taskName, unitJobs, type UnitShare } from './units';

const tasks = path.join(__dirname, 'testing', 'parallel-tasks');
const inputs = Array.from({ length: 10 }, (_, i) => ({ seed: i + 1, n: 5 }));

describe('exact JSON', () => {
  it('gives back NaN, ±Infinity, −0, undefined array slots and typed arrays', () => {
    const value = { a: [1.5, NaN, Infinity, -Infinity, -0, undefined, 1e-310], f: Float64Array.from([0.1, -0, NaN]), nested: { b: null, c: 'x' } };
    const back = fromExactJson<typeof value>(toExactJson(value));
    expect(back.a.slice(0, 5)).toEqual([1.5, NaN, Infinity, -Infinity, -0]);
    expect(Object.is(back.a[4], -0)).toBe(true);
    expect(back.a[5]).toBeUndefined();
    expect(back.a[6]).toBe(1e-310);
    expect(back.f).toBeInstanceOf(Float64Array);
    expect(Object.is(back.f[1], -0)).toBe(true);
    expect(back.nested).toEqual({ b: null, c: 'x' });
  });

  it('refuses an object of its own with the tag key', () => {
    expect(() => toExactJson({ x: { $exact: 'NaN' } })).toThrow(/cannot be stored exactly/);
  });
});

describe('work units', () => {
  it('run no more at once than fit in half the machine’s memory', () => {
    const half = defaultMemoryMiB() * 2 ** 20;
    expect(unitJobs(8, undefined)).toBe(8);
    expect(unitJobs(8, half / 3)).toBe(3);
    expect(unitJobs(2, half / 3)).toBe(2);
    expect(unitJobs(8, 2 * half)).toBe(1);
  });

  it('come back in input order with progress reported per unit, or as an error naming the first failed run', async () => {
    const progress: [number, number][] = [];
    const context = (outcomes: { ok: boolean; value?: number; error?: string }[]) => ({
      mapUnits: (async (_m: string, _e: string, given: unknown[], options?: { onOutcome?: (i: number, o: never) => void }) => {
        expect(given).toHaveLength(outcomes.length);
        outcomes.forEach((o, i) => options?.onOutcome?.(i, o as never));
        return outcomes;
      }) as never,
      progress: (done: number, total: number) => progress.push([done, total]),
    });
    const ok = await computeUnits<number, number>(context([{ ok: true, value: 7 }, { ok: true, value: 8 }]), 'm', 'e', [1, 2], { describe: (i) => `run ${i}` });
    expect(ok).toEqual([7, 8]);
    expect(progress).toEqual([[1, 2], [2, 2]]);
    const failing = context([{ ok: true, value: 1 }, { ok: false, error: 'diverged' }, { ok: false, error: 'NaN' }]);
    await expect(computeUnits(failing, 'm', 'e', [1, 2, 3], { describe: (i) => `run ${i}` })).rejects.toThrow('2 of 3 runs failed; first: run 1 — diverged');
  });

  it('name their task independently of where the package lies and of .ts/.js', () => {
    expect(taskName(path.join(__dirname, 'experiments', 'critical-point-task'), 'run')).toBe('harness/experiments/critical-point-task#run');
    expect(taskName(path.join(__dirname, 'experiments', 'critical-point-task.js'), 'run')).toBe('harness/experiments/critical-point-task#run');
  });

  it('split over shards and replayed give what computing them all gives, without computing them again', async () => {
    const all = await localUnits(1)(tasks, 'seededSum', inputs);
    // The shard of each unit, as a run's plan would deal them.
    const plan = [2, 3, 1, 1, 2, 3, 3, 1, 2, 1];
    await expect(shardUnits(plan.slice(1), { index: 1, count: 3 }, 1)(tasks, 'seededSum', inputs)).rejects.toThrow(/made 10 units, but the kind's units\(\) declared 9/);
    const shares: UnitShare[] = [];
    for (const index of [1, 2, 3]) {
      const shard = { index, count: 3 };
      const stored = await shardUnits(plan, shard, 1)(tasks, 'seededSum', inputs).catch((e: unknown) => e);
      expect(stored).toBeInstanceOf(UnitsStored);
      expect((stored as UnitsStored).call.units.map((u) => u.index)).toEqual(plan.flatMap((s, j) => (s === index ? [j] : [])));
      shares.push({ schemaVersion: 2, claimId: 'p.claim', shard, specSha256: '0'.repeat(64), claim: { stopped: 'units', calls: [(stored as UnitsStored).call] }, controls: {} });
    }
    expect(shares.map((s) => s.claim.calls[0].units.length)).toEqual([4, 3, 3]);
    const { calls } = combineScope(shares, 'p.claim');
    const served = { ms: 0 };
    const seen: number[] = [];
    // Served from the shards: the replay never loads the task module.
    const replayed = await replayUnits('claim p.claim', calls, served)(tasks, 'seededSum', inputs, { onOutcome: (j) => seen.push(j) });
    expect(replayed).toEqual(all);
    expect(seen).toEqual(inputs.map((_, j) => j));
    await expect(replayUnits('claim p.claim', calls, served)(tasks, 'seededSum', inputs.map((x) => ({ ...x, n: 6 })))).rejects.toThrow(/input of unit 0 differs/);
    await expect(replayUnits('claim p.claim', [], served)(tasks, 'seededSum', inputs)).rejects.toThrow(UnitReplayError);

    const lacking = shares.map((s) => (s.shard.index === 2 ? { ...s, claim: { ...s.claim, calls: [{ ...s.claim.calls[0], units: s.claim.calls[0].units.slice(1) }] } } : s));
    expect(() => combineScope(lacking, 'p.claim')).toThrow(/1 of 10 units missing \(e\.g\. unit 0, assigned to shard 2\/3\)/);
    const dealtOtherwise = shares.map((s) => (s.shard.index === 3 ? { ...s, claim: { ...s.claim, calls: [{ ...s.claim.calls[0], shards: [...plan].reverse() }] } } : s));
    expect(() => combineScope(dealtOtherwise, 'p.claim')).toThrow(/shards 1 and 3 dealt the units differently/);
    expect(() => combineScope(shares, 'p.claim', 'ctl')).toThrow(/shard 1\/3 stored no units of control 'ctl'/);
    expect(inputSha256('t#x', { a: NaN })).not.toBe(inputSha256('t#x', { a: null }));
  });
});
