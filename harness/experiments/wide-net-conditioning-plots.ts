/** The plots of `wide-net-conditioning`: wc2022 Fig. 1 (left, right), 3 (left), 4, 5 and 6 redrawn from the runs. */
import type { PlotSeries, PlotSpec } from '../types';
import type { ConditioningParams } from './wide-net-conditioning';
import type { ConditioningRun, LayerRecord } from './wide-net-conditioning-task';
import { effectiveConfigs, layerMeans } from './wide-net-conditioning';

const armName = (renormalise: boolean): string => (renormalise ? 'renormalised' : 'not renormalised');

/** Smallest value drawn on log axes: a λmin that is zero up to rounding (or below) is drawn here. */
const LOG_FLOOR = 1e-18;

export function conditioningPlots(params: ConditioningParams, runs: ConditioningRun[]): PlotSpec[] {
  const { depth } = params.network;
  const configs = effectiveConfigs(params);
  const layers = Array.from({ length: depth }, (_, l) => l + 1);
  const label = (c: number): string => `w = ${configs[c].width}, n = ${configs[c].examples}`;
  const perLayer = (f: (l: LayerRecord) => number, chosen: number[] = configs.map((_, c) => c)): PlotSeries[] =>
    chosen.flatMap((c) => params.renormalise.map((arm) => ({ name: `${label(c)}, ${armName(arm)}`, mark: 'line' as const, x: layers, y: layerMeans(runs, c, arm, f) })));
  const logCond = (l: LayerRecord): number => Math.log(l.lambdaMax / l.lambdaMin);
  const plots: PlotSpec[] = [
    {
      id: 'fig1-left-log-conditioning',
      title: 'Log-conditioning of the parameter Gram per layer (Fig. 1 left)',
      caption: `ln(λmax/λmin) of z_ℓz_ℓᵀ at initialisation, mean over ${params.seeds} seed(s), ${params.network.activation} networks of depth ${depth}, every config and renormalisation arm.`,
      x: { label: 'layer' },
      y: { label: 'ln condition number' },
      series: perLayer(logCond),
    },
  ];
  const largestN = Math.max(...configs.map((c) => c.examples));
  const sameN = configs.map((c, i) => ({ c, i })).filter(({ c }) => c.examples === largestN).map(({ i }) => i);
  if (sameN.length > 1) {
    plots.push({
      id: 'fig1-right-width',
      title: `Log-conditioning per layer at n = ${largestN} for each width (Fig. 1 right)`,
      caption: 'The same curves for the configs with the most examples, one per width and arm.',
      x: { label: 'layer' },
      y: { label: 'ln condition number' },
      series: perLayer(logCond, sameN),
    });
  }
  plots.push(
    {
      id: 'fig5-row-sum',
      title: 'Largest off-diagonal row sum of Gram/width per layer (Fig. 5 top)',
      caption: 'max_i Σ_{j≠i} |G_ij|/w, mean over seeds: the largest Gershgorin radius.',
      x: { label: 'layer' },
      y: { label: 'max off-diagonal row sum', scale: 'log' },
      series: perLayer((l) => Math.max(l.maxOffDiagonalRowSum, LOG_FLOOR)),
    },
    {
      id: 'fig5-entries',
      title: 'Smallest diagonal and largest off-diagonal entry of Gram/width per layer (Fig. 5 bottom)',
      caption: 'Solid names: max |G_ij|/w (i ≠ j); names ending "min diagonal": min G_ii/w. Mean over seeds.',
      x: { label: 'layer' },
      y: { label: 'entry of Gram/width', scale: 'log' },
      series: [...perLayer((l) => Math.max(l.maxOffDiagonal, LOG_FLOOR)), ...perLayer((l) => l.minDiagonal).map((s) => ({ ...s, name: `${s.name}, min diagonal` }))],
    },
  );
  if (configs.length > 1) {
    const primary = params.renormalise[0];
    const shown = [...new Set([1, Math.ceil(depth / 3), depth])];
    const scatter = (which: 'lambdaMax' | 'lambdaMin'): PlotSeries[] =>
      shown.map((layer) => ({
        name: `layer ${layer}`,
        mark: 'points' as const,
        x: configs.map(({ width, examples }) => (Math.sqrt(width) + (which === 'lambdaMax' ? 1 : -1) * Math.sqrt(examples)) ** 2),
        y: configs.map((_, c) => layerMeans(runs, c, primary, (l) => l[which])[layer - 1]),
      }));
    plots.push(
      {
        id: 'fig4-lambda-max',
        title: 'λmax against (√w + √n)² (App. F.1, Fig. 4)',
        caption: `${armName(primary)} networks; random-matrix theory predicts slope 1 on these log–log axes.`,
        x: { label: '(√width + √examples)²', scale: 'log' },
        y: { label: 'λmax', scale: 'log' },
        series: scatter('lambdaMax'),
      },
      {
        id: 'fig4-lambda-min',
        title: 'λmin against (√w − √n)² (App. F.1, Fig. 4)',
        caption: `${armName(primary)} networks; random-matrix theory predicts slope 1 on these log–log axes.`,
        x: { label: '(√width − √examples)²', scale: 'log' },
        y: { label: 'λmin', scale: 'log' },
        series: scatter('lambdaMin'),
      },
    );
  }
  if (params.inputGramExamples > 0) {
    const primary = params.renormalise[0];
    plots.push({
      id: 'fig3-left-input-gram',
      title: 'λmin/λmax of the input Gram R_xR_xᵀ per intermediate layer (Fig. 3 left)',
      caption: `On the first ${params.inputGramExamples} examples; values at or below ${LOG_FLOOR} (zero up to rounding, or negative) are drawn at ${LOG_FLOOR}.`,
      x: { label: 'layer' },
      y: { label: 'λmin/λmax', scale: 'log' },
      series: configs.map((_, c) => {
        const mine = runs.filter((r) => r.config === c && r.renormalise === primary);
        const xs = layers.slice(0, depth - 1);
        return { name: label(c), mark: 'line' as const, x: xs, y: xs.map((l) => Math.max(LOG_FLOOR, Math.max(...mine.map((r) => r.layers[l - 1].inputLambdaMin! / r.layers[l - 1].inputLambdaMax!)))) };
      }),
    });
  }
  if (params.infiniteWidth) {
    const primary = params.renormalise[0];
    const dualMeans = (c: number, which: 'lambdaMin' | 'lambdaMax'): number[] => {
      const mine = runs.filter((r) => r.config === c && r.renormalise === primary);
      return layers.map((_, l) => mine.reduce((s, r) => s + r.dual![l][which], 0) / mine.length);
    };
    for (const which of ['lambdaMax', 'lambdaMin'] as const) {
      plots.push({
        id: `fig6-${which}`,
        title: `Normalised ${which === 'lambdaMax' ? 'λmax' : 'λmin'} per layer: finite widths and the infinite-width kernel (Fig. 6)`,
        caption: `λ(z_ℓz_ℓᵀ)/w of ${armName(primary)} networks beside λ(K_ℓ), K_ℓ = σ̂(K_{ℓ−1}) on the same inputs (dashed names "∞"); means over seeds.`,
        x: { label: 'layer' },
        y: { label: which === 'lambdaMax' ? 'λmax / width' : 'λmin / width', scale: 'log' },
        series: configs.flatMap((_, c) => [
          { name: label(c), mark: 'line' as const, x: layers, y: layerMeans(runs, c, primary, (l) => l[which] / l.width) },
          { name: `${label(c)}, ∞`, mark: 'line' as const, x: layers, y: dualMeans(c, which) },
        ]),
      });
    }
  }
  return plots;
}
