import * as path from 'node:path';
import { mapParallel } from './parallel';

const tasks = path.join(__dirname, 'testing', 'parallel-tasks.ts');

describe('mapParallel', () => {
  it('gives identical, ordered results whatever the number of jobs', async () => {
    const inputs = Array.from({ length: 7 }, (_, i) => ({ seed: i + 1, n: 20_000 }));
    const one = await mapParallel<{ seed: number; n: number }, number>(tasks, 'seededSum', inputs, { jobs: 1 });
    const two = await mapParallel<{ seed: number; n: number }, number>(tasks, 'seededSum', inputs, { jobs: 2 });
    const three = await mapParallel<{ seed: number; n: number }, number>(tasks, 'seededSum', inputs, { jobs: 3 });
    expect(one.every((o) => o.ok)).toBe(true);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
  }, 60_000);

  it('reports a task that throws with its input, and runs the rest', async () => {
    const seen: number[] = [];
    const out = await mapParallel<number, number>(tasks, 'failOnOdd', [0, 1, 2, 3], { jobs: 2, onOutcome: (i) => seen.push(i) });
    expect(out).toEqual([{ ok: true, value: 0 }, { ok: false, error: 'odd input 1' }, { ok: true, value: 20 }, { ok: false, error: 'odd input 3' }]);
    expect(seen.sort()).toEqual([0, 1, 2, 3]);
  }, 60_000);

  it('reports a crashed worker with the input it held and finishes the others on a fresh worker', async () => {
    const out = await mapParallel<number, number>(tasks, 'crashOnThree', [1, 2, 3, 4, 5], { jobs: 2 });
    expect(out[2]).toEqual({ ok: false, error: 'worker crashed while running input #2: exit code 7' });
    expect(out.filter((o) => o.ok).map((o) => (o as { value: number }).value)).toEqual([1, 2, 4, 5]);
  }, 60_000);

  it('names a missing export', async () => {
    await expect(mapParallel(tasks, 'nope', [1], { jobs: 1 })).rejects.toThrow(/has no exported function 'nope'/);
  });
});
