import type { ClaimResult, LoadedClaim } from '../types';
import { progressPrinter } from './run';

const claims = [{ spec: { id: 'frye2020.gradient-flat-autoencoder' } }] as unknown as LoadedClaim[];

describe('progressPrinter', () => {
  it('in a log, prints where a long claim stands at most once a minute', () => {
    let clock = 0;
    const lines: string[] = [];
    const print = progressPrinter(claims, { tty: false, now: () => clock, write: (t) => void lines.push(t) });
    print({ type: 'claim-start', claimId: claims[0].spec.id, index: 0, total: 1 });
    for (let done = 1; done <= 50; done++) {
      clock += 10_000; // one run every 10 s
      print({ type: 'progress', claimId: claims[0].spec.id, done, total: 50 });
    }
    expect(lines[0]).toBe('[1/1] frye2020.gradient-flat-autoencoder …\n');
    const progress = lines.slice(1);
    expect(progress).toHaveLength(8); // at 60 s, 120 s, …, 480 s; the last run (500 s) is reported by claim-end
    expect(progress[0]).toBe('[1/1] frye2020.gradient-flat-autoencoder 6/50 (1 min 00 s)\n');
  });

  it('on a terminal, updates one line in place', () => {
    let clock = 0;
    const lines: string[] = [];
    const print = progressPrinter(claims, { tty: true, now: () => clock, write: (t) => void lines.push(t) });
    print({ type: 'claim-start', claimId: claims[0].spec.id, index: 0, total: 1 });
    clock += 500;
    print({ type: 'progress', claimId: claims[0].spec.id, done: 1, total: 2 });
    expect(lines[1]).toBe('\r[1/1] frye2020.gradient-flat-autoencoder 1/2');
    expect(lines.every((l) => !l.slice(0, -1).includes('\n'))).toBe(true);
  });

  it('names the control that is running, and gives the controls their time at the end', () => {
    let clock = 0;
    const lines: string[] = [];
    const print = progressPrinter(claims, { tty: true, now: () => clock, write: (t) => void lines.push(t) });
    print({ type: 'claim-start', claimId: claims[0].spec.id, index: 0, total: 1 });
    clock += 500;
    print({ type: 'progress', claimId: claims[0].spec.id, controlId: 'no-noise', done: 1, total: 2 });
    expect(lines[1]).toBe('\r[1/1] frye2020.gradient-flat-autoencoder control no-noise 1/2');
    const result = { claimId: claims[0].spec.id, verdict: 'inconclusive', durationMs: 2000, controls: [{ durationMs: 1000 }, { durationMs: 500 }] } as unknown as ClaimResult;
    print({ type: 'claim-end', result, index: 0, total: 1 });
    expect(lines[2]).toBe('\r\x1b[2K[1/1] frye2020.gradient-flat-autoencoder ? inconclusive (2.00 s + 2 controls 1.50 s)\n');
  });
});
