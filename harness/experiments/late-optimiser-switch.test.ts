import { useCpuBackend } from '../../models/tfjs/testing/fixtures';
import { testContext } from '../testing/context';
import { type LateOptimiserSwitchParams, lateOptimiserSwitch } from './late-optimiser-switch';

useCpuBackend();

const tiny: LateOptimiserSwitchParams = {
  data: { trainImages: 60, testImages: 30, features: { kind: 'crop-average' } },
  network: { hiddenWidths: [6], activation: 'relu' },
  first: { name: 'Adam', optimizer: { kind: 'adam', learningRate: 0.01 } },
  second: [{ name: 'SGD', optimizer: { kind: 'sgd', learningRate: 0.1 } }],
  training: { epochs: 4, batchSize: 20 },
  switchEpochs: [2, 3],
  seeds: 2,
  interpolationPoints: 5,
  barrierThreshold: 0.1,
};

interface StoredPair {
  seed: number;
  switchEpoch: number;
  losses: number[];
  relativeBarrier: number;
  disagreement: number;
  predictions: number[];
}

describe('late-optimiser-switch', () => {
  it('recomputes barriers and disagreements of every pair from the stored lines and predictions', async () => {
    const out = await lateOptimiserSwitch.run(tiny, testContext(9));
    const evidence = out.evidence as unknown as { unswitched: { seed: number; predictions: number[] }[]; pairs: StoredPair[] };
    expect(evidence.pairs).toHaveLength(2 * 2);
    for (const p of evidence.pairs) {
      const ends = [p.losses[0], p.losses[p.losses.length - 1]];
      expect(p.relativeBarrier).toBeCloseTo((Math.max(...p.losses) - Math.max(...ends)) / ((ends[0] + ends[1]) / 2), 12);
      const reference = evidence.unswitched.find((u) => u.seed === p.seed)!.predictions;
      expect(p.disagreement).toBe(p.predictions.filter((c, i) => c !== reference[i]).length / reference.length);
    }
    const latest = evidence.pairs.filter((p) => p.switchEpoch === 3);
    expect(out.metrics.barrierFractionLatest).toBe(latest.filter((p) => p.relativeBarrier >= 0.1).length / latest.length);
    expect(out.metrics.meanDisagreementLatest).toBeCloseTo((latest[0].disagreement + latest[1].disagreement) / 2, 12);
    expect(out.plots?.map((p) => p.id)).toEqual(['line-switch-0', 'line-switch-1', 'disagreement-by-switch']);
  });

  it('estimates a cost that grows with the switch points', () => {
    expect(lateOptimiserSwitch.cost!({ ...tiny, switchEpochs: [1, 2, 3] }).seconds).toBeGreaterThan(lateOptimiserSwitch.cost!(tiny).seconds);
  });

  it('rejects switch epochs that do not increase within the budget', () => {
    expect(lateOptimiserSwitch.check?.({ ...tiny, switchEpochs: [3, 2] }).map((p) => p.path)).toEqual(['/switchEpochs']);
    expect(lateOptimiserSwitch.check?.({ ...tiny, switchEpochs: [4] }).map((p) => p.path)).toEqual(['/switchEpochs']);
  });
});
