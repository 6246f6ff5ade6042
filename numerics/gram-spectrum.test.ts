import { createRng } from '../harness/rng';
import { eigh } from './eigh';
import { gramMatrix, gramProxies, gramSpectrum, householderR, symmetricValues } from './gram-spectrum';
import { randomSymmetric } from './testing';

/** Φ = U·diag(s)·Vᵀ (n×k) with U n×n and V k×n orthonormal from eigenvectors of random symmetric matrices. */
function withSingularValues(s: readonly number[], k: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const n = s.length;
  const u = eigh(randomSymmetric(n, rng), n).vectors!;
  const v = eigh(randomSymmetric(k, rng), k).vectors!;
  const phi = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) {
    let x = 0;
    for (let r = 0; r < n; r++) x += u[i * n + r] * s[r] * v[j * k + r];
    phi[i * k + j] = x;
  }
  return phi;
}

describe('gram spectrum', () => {
  it('recovers λmin of ΦΦᵀ at cond 1e10 to 1e-6 relative (QR route)', () => {
    const n = 40;
    const k = 90;
    const lambdas = Array.from({ length: n }, (_, i) => 10 ** (-10 * (i / (n - 1))));
    const phi = withSingularValues(lambdas.map(Math.sqrt), k, 1);
    const spectrum = gramSpectrum(phi, n, k);
    expect(spectrum.method).toBe('qr');
    expect(Math.abs(spectrum.lambdaMin - 1e-10) / 1e-10).toBeLessThan(1e-6);
    expect(spectrum.lambdaMax).toBeCloseTo(1, 10);
    expect(spectrum.logCondition).toBeCloseTo(Math.log(1e10), 5);
  });

  it('uses eigh at moderate conditioning and agrees with the exact spectrum', () => {
    const n = 30;
    const lambdas = Array.from({ length: n }, (_, i) => 2 + i);
    const phi = withSingularValues(lambdas.map(Math.sqrt), 50, 2);
    const spectrum = gramSpectrum(phi, n, 50);
    expect(spectrum.method).toBe('eigh');
    expect(spectrum.lambdaMin).toBeCloseTo(2, 10);
    expect(spectrum.lambdaMax).toBeCloseTo(n + 1, 10);
  });

  it('above the band-reduction threshold (n > 500), gives the eigenvalues eigh gives', () => {
    const rng = createRng(17);
    const n = 501;
    const g = gramMatrix(Float64Array.from({ length: n * 600 }, () => rng.normal()), n, 600);
    const want = eigh(g, n, { vectors: false }).values;
    const got = symmetricValues(g, n);
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-12 * want[n - 1]);
    expect(got.some((x, i) => x !== want[i])).toBe(true); // the other route, not eigh again
  });

  it('RᵀR of the Householder QR of Φᵀ equals ΦΦᵀ', () => {
    const rng = createRng(4);
    const n = 7;
    const k = 12;
    const phi = Float64Array.from({ length: n * k }, () => rng.normal());
    const r = householderR(phi, n, k);
    const g = gramMatrix(phi, n, k);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += r[t * n + i] * r[t * n + j];
      expect(s).toBeCloseTo(g[i * n + j], 11);
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(r[i * n + j]).toBe(0);
  });

  it('App. F.2 proxies: extreme diagonal, largest off-diagonal entry and Gershgorin radius', () => {
    const g = Float64Array.from([4, -2, 1, -2, 6, 0, 1, 0, 2]);
    expect(gramProxies(g, 3, 2)).toEqual({ minDiagonal: 1, maxDiagonal: 3, maxOffDiagonal: 1, maxOffDiagonalRowSum: 1.5 });
  });
});
