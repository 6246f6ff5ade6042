import { createRng, hashString, mixSeed } from './rng';

describe('createRng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xs);
  });

  it('pins the first outputs so a change of generator cannot pass unnoticed', () => {
    // Stored runs are reproducible only while these stay the same; changing them is a breaking change.
    const r = createRng(1);
    expect([r.uniform(), r.uniform(), r.uniform()]).toEqual([0.5686059948349658, 0.8893939367683266, 0.4705824180198359]);
  });

  it('has the moments of U[0,1) and N(0,1)', () => {
    const r = createRng(7);
    const n = 200_000;
    let su = 0;
    let su2 = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      su += u;
      su2 += u * u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(su2 / n - (su / n) ** 2).toBeCloseTo(1 / 12, 2);
    expect(sn / n).toBeCloseTo(0, 2);
    expect(sn2 / n).toBeCloseTo(1, 2);
  });

  it('forks independent, stable sub-streams', () => {
    const r = createRng(5);
    const x = r.fork('data').uniform();
    r.uniform(); // consuming the parent must not change a fork
    expect(r.fork('data').uniform()).toBe(x);
    expect(r.fork('noise').uniform()).not.toBe(x);
    expect(r.fork(1).uniform()).not.toBe(r.fork(2).uniform());
  });

  it('draws integers in range and rejects bad seeds', () => {
    const r = createRng(3);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 4000; i++) counts[r.int(4)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(() => createRng(-1)).toThrow(RangeError);
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(2 ** 32)).toThrow(RangeError);
  });

  it('hashes and mixes to 32-bit unsigned values', () => {
    expect(hashString('l0l1.fixed-line-l2')).toBe(hashString('l0l1.fixed-line-l2'));
    expect(hashString('a')).not.toBe(hashString('b'));
    const m = mixSeed(1, hashString('x'));
    expect(Number.isInteger(m) && m >= 0 && m < 2 ** 32).toBe(true);
  });
});
