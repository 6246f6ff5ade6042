import { agreement, detectBlas, spread, summariseTask } from './torch-stats';

describe('agreement', () => {
  it('holds each quantity to its own scale, so a small loss is not hidden behind a large Hessian', () => {
    const got = agreement({ loss: 1e-3, hessian: [100, 1] }, { loss: 1.1e-3, hessian: [100, 1 + 1e-9] });
    expect(got.worst).toBe('loss');
    expect(got.value).toBeCloseTo(0.1e-3 / 1.1e-3, 12);
    expect(got.missing).toEqual([]);
  });

  it('takes the largest entry-wise difference over the largest |torch| entry of the quantity', () => {
    expect(agreement({ gradient: Float64Array.of(1, -4, 2) }, { gradient: [1, -4.002, 2.001] }).value).toBeCloseTo(0.002 / 4.002, 14);
    expect(agreement({ loss: 1e-20 }, { loss: 0 }).value).toBe(1e-20); // torch's entries all 0: absolute difference
    expect(agreement({ loss: 2, values: [1, 2] }, { loss: 2, values: [1, 2] })).toEqual({ value: 0, worst: 'loss', missing: [] });
  });

  it('is infinite for a quantity only one side has, a length mismatch or a NaN', () => {
    expect(agreement({ loss: 1, gradient: [1] }, { loss: 1, hvp: [1] })).toEqual({ value: Infinity, worst: 'gradient', missing: ['gradient', 'hvp'] });
    expect(agreement({ gradient: [1, 2] }, { gradient: [1, 2, 3] }).value).toBe(Infinity);
    expect(agreement({ gradient: [1, NaN] }, { gradient: [1, 2] })).toMatchObject({ value: Infinity, worst: 'gradient' });
  });
});

describe('summariseTask', () => {
  const rounds = [
    { ours: { cpuMs: [4, 6, 5], wallMs: [8, 8, 8] }, torch: { cpuMs: [2, 2, 3], wallMs: [4, 4, 4] } },
    { ours: { cpuMs: [9, 10, 11], wallMs: [20, 20, 20] }, torch: { cpuMs: [5, 5, 5], wallMs: [5, 5, 5] } },
    { ours: { cpuMs: [3, 3, 3], wallMs: [7, 7, 7] }, torch: { cpuMs: [1, 1, 1], wallMs: [2, 2, 2] } },
  ];

  it('divides the two sides’ median CPU times round by round and spreads the ratios over rounds', () => {
    const { row } = summariseTask('net', 'hvp', rounds, 3e-15);
    // Round medians: ours 5, 10, 3; torch 2, 5, 1; ratios 2.5, 2, 3.
    expect(row).toEqual({
      workload: 'net',
      task: 'hvp',
      oursCpuMs: { min: 3, median: 5, max: 10 },
      torchCpuMs: { min: 1, median: 2, max: 5 },
      ratio: { min: 2, median: 2.5, max: 3 },
      wallRatio: 8 / 4,
      agreement: 3e-15,
    });
  });

  it('stores our side’s samples of every round as one bench record', () => {
    const { record } = summariseTask('net', 'hvp', rounds, 0);
    const all = [4, 6, 5, 9, 10, 11, 3, 3, 3];
    const sd = Math.sqrt(all.reduce((s, x) => s + (x - 6) ** 2, 0) / 8);
    expect(record).toEqual({ suite: 'torch comparison (ours, CPU time)', task: 'net: hvp', samples: 9, meanMs: 6, medianMs: 5, minMs: 3, rmePercent: expect.any(Number) });
    expect(record.rmePercent).toBeCloseTo(((1.96 * sd) / 3 / 6) * 100, 10);
  });

  it('refuses to summarise no rounds', () => {
    expect(() => summariseTask('net', 'hvp', [], 0)).toThrow(/no rounds/);
  });

  it('spreads an even count with the mean of the middle two as median', () => {
    expect(spread([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
  });
});

describe('detectBlas', () => {
  const common = ['/usr/lib/python3/dist-packages/torch/lib/libtorch_cpu.so', '/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0', '/usr/lib/x86_64-linux-gnu/libc.so.6'];

  it('names OpenBLAS with its version and threading from Debian’s alternatives folder and library name', () => {
    const openblas = ['/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', '/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so'];
    expect(detectBlas([...common, ...openblas, openblas[0]])).toEqual({ libraries: openblas, implementation: 'OpenBLAS 0.3.21 (pthread)', optimised: true });
    expect(detectBlas(['/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3']).implementation).toBe('OpenBLAS (openmp)');
  });

  it('flags the reference BLAS that Debian’s torch falls back to as not a fair peer', () => {
    const reference = ['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0', '/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0'];
    expect(detectBlas([...common, ...reference])).toEqual({ libraries: reference, implementation: 'reference BLAS/LAPACK', optimised: false });
  });

  it('recognises MKL and BLIS, and says when nothing BLAS-like is mapped', () => {
    expect(detectBlas([...common, '/opt/intel/lib/libmkl_rt.so.2']).implementation).toBe('MKL');
    expect(detectBlas([...common, '/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3']).implementation).toBe('BLIS');
    expect(detectBlas(common)).toEqual({ libraries: [], implementation: 'none found', optimised: false });
  });
});
