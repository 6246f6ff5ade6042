import { QUARTIC_CRITICAL_POINT, quarticCriticalPoint, quarticObjective } from './quartic';

describe('quartic', () => {
  it("has its only critical point at (−3, 0) for the thesis' b = 9, and at (3, 0) mirrored", () => {
    expect(quarticCriticalPoint()).toEqual([...QUARTIC_CRITICAL_POINT]);
    expect(quarticCriticalPoint(-9)).toEqual([3, 0]);
    const [x] = quarticCriticalPoint(7);
    expect(Math.abs(x ** 3 - 6 * x + 7)).toBeLessThan(1e-12);
    expect(() => quarticCriticalPoint(5)).toThrow(/single real root/);
  });

  it('has the gradient (x³ − 6x + b, 3.6y³ + 10y) and a singular Hessian on x = ±√2', () => {
    const f = quarticObjective(-9);
    const { gradient } = f.lossAndGradient(Float64Array.of(Math.SQRT2, 0));
    expect(gradient[0]).toBeCloseTo(2 * Math.SQRT2 - 6 * Math.SQRT2 - 9, 12);
    expect(f.hessian(Float64Array.of(-Math.SQRT2, 0.5))[0]).toBeCloseTo(0, 12);
  });
});
