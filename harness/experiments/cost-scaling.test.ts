/**
 * Each kind's cost model grows with the counts its runs do: from a shipped claim's full-tier parameters,
 * doubling a count that multiplies the whole run doubles the estimate, and a count that sets part of
 * the work raises it. (critical-point-search has its own tests in critical-point-cost.test.ts.)
 */
import { loadClaims, tierParams } from '../claims';
import { estimateCost } from '../cost';
import { claimsRoot } from '../paths';
import { experimentKinds } from '../registry';
import type { Params } from '../types';
import './index';

const { claims } = loadClaims(claimsRoot());

function fullParams(id: string): Record<string, any> {
  const claim = claims.find((c) => c.spec.id === id)!;
  const merged = tierParams(claim.spec, 'full');
  if ('unavailable' in merged) throw new Error(`${id} does not run at full`);
  return structuredClone(merged.params) as Record<string, any>;
}

function seconds(id: string, edit: (p: Record<string, any>) => void = () => undefined): number {
  const claim = claims.find((c) => c.spec.id === id)!;
  const kind = experimentKinds.get(claim.spec.experiment.kind);
  expect(kind.cost).toBeDefined();
  const p = fullParams(id);
  edit(p);
  return estimateCost(kind, p as Params).seconds;
}

describe('cost models grow with their counts', () => {
  it.each([
    ['dlae-analytic: a larger hidden layer (more subsets)', 'frye2020.dlae-analytic', (p: any) => (p.k = 5), 2],
    ['quartic-newton-mr: twice the iterations', 'frye2020.quartic-gradient-flat', (p: any) => ((p.protocol.iterations *= 2), p.figureProtocol && (p.figureProtocol.iterations *= 2)), 1.9],
    ['swa-valley-network: twice the training images', 'he2019.swa-network-flat-side', (p: any) => (p.data.trainImages *= 2), 1.5],
    ['bn-hessian-outliers: twice the epochs', 'ghorbani2019.bn-suppresses-outliers', (p: any) => (p.training.epochs *= 2), 1.1],
    ['bn-hessian-outliers: twice the SLQ draws', 'ghorbani2019.bn-suppresses-outliers', (p: any) => (p.density.draws *= 2), 1.3],
    ['optimiser-interpolation: twice the seeds', 'im2016.optimisers-find-different-minima', (p: any) => (p.seeds *= 2), 1.9],
    ['skip-connection-landscape: twice the seeds', 'li2018.skip-connections-tame-landscapes', (p: any) => (p.seeds *= 2), 1.9],
    ['skip-connection-landscape: twice the depth', 'li2018.skip-connections-tame-landscapes', (p: any) => (p.network.hiddenLayers *= 2), 1.5],
    ['slq-vs-exact: twice the Lanczos steps', 'ghorbani2019.slq-matches-exact-density', (p: any) => (p.steps *= 2), 1.1],
    ['segment-scan: twice the points', 'l0l1.radial-segments', (p: any) => (p.points *= 2), 1.99],
    ['wide-net-conditioning: input Grams of twice the examples', 'wc2022.input-conditioning-vanishes', (p: any) => (p.inputGramExamples *= 2), 1.5],
  ])('%s', (_what, id, edit, factor) => {
    expect(seconds(id, edit)).toBeGreaterThanOrEqual(factor * seconds(id));
  });
});
