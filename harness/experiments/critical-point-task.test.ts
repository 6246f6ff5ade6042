import type { Trace } from '../../numerics/critical-points';
import { TEXT_FLATNESS, flatnessSeries, maxFlatness } from './critical-point-task';

const trace = (r: number[], relres: number[], minresFlag: number[]): Trace => ({ loss: [], gradNormSq: [], alpha: [], rH: [], innerIterations: [], residualNorm: [], normalResidualNorm: [], stepNorm: [], hessianNorm: [], anorm: [], r, relres, minresFlag });

describe('flatness readings', () => {
  const t = trace([0.2, 0.95, 0.5], [0.3, 0.97, 0.92], [1, 1, 2]);

  it("reads r of eq. 3.36 over every step by default (the thesis text)", () => {
    expect(flatnessSeries(t, TEXT_FLATNESS)).toEqual([0.2, 0.95, 0.5]);
    expect(maxFlatness(t, TEXT_FLATNESS)).toEqual({ value: 0.95, step: 1 });
  });

  it("reads MR-QLP's relres and counts only least-squares (flag 2) steps towards the maximum, as the thesis' code does", () => {
    const code = { measure: 'relres', maxOver: 'incompatible-steps' } as const;
    expect(flatnessSeries(t, code)).toEqual([0.3, 0.97, 0.92]);
    expect(maxFlatness(t, code)).toEqual({ value: 0.92, step: 2 });
    expect(maxFlatness(trace([0.99], [0.99], [1]), code)).toBeNull(); // no flag-2 step: not flat
    expect(maxFlatness(trace([NaN, 0.4], [NaN, 0.4], [2, 2]), code)).toEqual({ value: 0.4, step: 1 });
  });
});
