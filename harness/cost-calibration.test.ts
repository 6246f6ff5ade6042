/**
 * The cost models against measured times: every shipped claim's full-tier estimate (claim plus its
 * controls) must lie within a factor of 3 of its measured wall time, so that a cost model that drifts
 * from what runs really do fails here. Nothing runs: estimates are pure functions of the parameters.
 */
import { claimCost, loadClaims } from './claims';
import { claimsRoot } from './paths';
import './experiments';

/**
 * Measured seconds at full, seed 1, claim plus controls: README "Results at full, seed 1" (the whole
 * tier as two shards on the 2-core machine, one claim per core). li2018 and the weak-PL claim were
 * measured alone at full after that run (README notes below the run). A new claim adds its time here.
 */
const MEASURED_FULL_SECONDS: Record<string, number> = {
  'baldi1989.linear-nets-no-bad-minima': 30,
  'chen1993.equioutput-symmetries': 1.6,
  'frye2020.cutoff-strictness': 126,
  'frye2020.dlae-analytic': 57,
  'frye2020.gradient-flat-autoencoder': 162,
  'frye2020.gradient-flat-classifier': 97,
  'frye2020.gradient-flat-overparameterized': 204,
  'frye2020.newton-mr-outperforms': 624,
  'frye2020.nonlinear-plateau': 110,
  'frye2020.quartic-gradient-flat': 4.1,
  'gallagher2000.fitness-distance-correlation': 4.4,
  'gallagher2000.hessian-ill-conditioned': 87,
  'ghorbani2019.bn-suppresses-outliers': 504,
  'ghorbani2019.near-zero-l1-energy': 74,
  'ghorbani2019.outlier-subspaces-coincide': 43,
  'ghorbani2019.slq-matches-exact-density': 126,
  'ghorbani2019.spectrum-evolution': 162,
  'hamey1998.xor-no-local-minima': 156,
  'he2019.swa-biased-to-flat-side': 0.9,
  'he2019.swa-network-flat-side': 576,
  'im2016.adam-basins-wider': 46,
  'im2016.late-switch-changes-minimum': 57,
  'im2016.optimisers-find-different-minima': 330,
  'l0l1.fixed-line-ce': 0.4,
  'l0l1.fixed-line-l2': 0.5,
  'l0l1.radial-segments': 5.2,
  'li2018.skip-connections-tame-landscapes': 360,
  'wc2022.conditioning-improves-with-depth': 71,
  'wc2022.cross-entropy-conditioning-transient': 80,
  'wc2022.generalisation-bound-vacuous': 68,
  'wc2022.infinite-width-theory-tracks-finite-width': 42,
  'wc2022.input-conditioning-vanishes': 106,
  'wc2022.lambda-min-stable-in-training': 144,
  'wc2022.pl-predicts-late-loss-decrease': 66,
  'wc2022.random-matrix-scaling': 114,
  'wc2022.renormalisation-needed': 32,
  'wc2022.weak-pl-predicts-late-cross-entropy-loss': 174,
  'wc2022.width-helps-conditioning': 65,
};

const FACTOR = 3;
/** Below this both ways, start-up and data loading dominate, which no cost model counts. */
const NEGLIGIBLE_SECONDS = 10;

describe('cost models against measured full-tier times', () => {
  const { claims } = loadClaims(claimsRoot());

  it('has a measured time for every shipped claim that runs at full', () => {
    const missing = claims.filter((c) => claimCost(c.spec, 'full') && !(c.spec.id in MEASURED_FULL_SECONDS)).map((c) => c.spec.id);
    expect(missing).toEqual([]);
  });

  it(`estimates every claim within a factor of ${FACTOR} of its measured time`, () => {
    const off = claims.flatMap((c) => {
      const measured = MEASURED_FULL_SECONDS[c.spec.id];
      const estimated = claimCost(c.spec, 'full')?.seconds;
      if (measured === undefined || estimated === undefined) return [];
      const within = (estimated <= FACTOR * measured && estimated >= measured / FACTOR) || (estimated < NEGLIGIBLE_SECONDS && measured < NEGLIGIBLE_SECONDS);
      return within ? [] : [`${c.spec.id}: estimated ${estimated.toFixed(1)} s, measured ${measured} s`];
    });
    expect(off).toEqual([]);
  });
});
