/** The plots of `wide-net-training`: wc2022 Fig. 2 (left, right), 3 (right), 7 and 9 redrawn from the runs. */
import type { PlotSeries, PlotSpec } from '../types';
import type { TrainingParams, TrainingRun } from './wide-net-training';

const runName = (r: TrainingRun): string => `${r.activation}, ${r.depth} layers, lr ${r.learningRate}, n ${r.examples}, seed ${r.seed}`;

export function trainingPlots(params: TrainingParams, runs: TrainingRun[]): PlotSpec[] {
  const perEpoch = (f: (r: TrainingRun) => number[], from = 0): PlotSeries[] =>
    runs.map((r) => ({ name: runName(r), group: `lr ${r.learningRate}`, mark: 'line' as const, x: f(r).map((_, k) => k + from), y: f(r) }));
  const plots: PlotSpec[] = [
    {
      id: 'fig2-right-lambda-min',
      title: 'λmin of the last layer Gram and the Lemma 9 bound during training (Fig. 2 right)',
      caption: 'Group "λmin": measured λmin(ΦΦᵀ); group "Lemma 9": b_k², the bound on λmin, drawn only while b_k > 0 (beyond, the bound is vacuous).',
      x: { label: 'epoch' },
      y: { label: 'eigenvalue', scale: 'log' },
      series: runs.flatMap((r) => {
        const positive = r.epochs.filter((e) => e.lemma9 > 0);
        return [
          { name: `λmin: ${runName(r)}`, group: 'λmin', mark: 'line' as const, x: r.epochs.map((e) => e.epoch), y: r.epochs.map((e) => e.lambdaMin) },
          { name: `Lemma 9: ${runName(r)}`, group: 'Lemma 9', mark: 'line' as const, x: positive.map((e) => e.epoch), y: positive.map((e) => e.lemma9 ** 2) },
        ];
      }),
    },
    {
      id: `fig7-log-conditioning-${params.loss}`,
      title: `ln-conditioning of the last layer Gram during training, ${params.loss} (Fig. 7)`,
      caption: 'One line per run, coloured by learning rate.',
      x: { label: 'epoch' },
      y: { label: 'ln condition number' },
      series: perEpoch((r) => r.epochs.map((e) => e.logCondition)),
    },
  ];
  if (params.loss === 'mse') {
    plots.push(
      {
        id: 'fig2-left-loss-prediction-ratio',
        title: 'Actual over Lemma 1-predicted loss per epoch (Fig. 2 left)',
        caption: 'f_{k+1}/(γ_k f_k), γ_k = 1 − μ_k/L_k measured at epoch k; below 1 the prediction is conservative.',
        x: { label: 'epoch' },
        y: { label: 'loss prediction ratio' },
        series: perEpoch((r) => r.ratios, 1),
      },
      {
        id: 'fig9-cumulative-ratio',
        title: 'Cumulative loss prediction ratio (App. F.6, Fig. 9)',
        caption: 'Running product of the per-epoch ratios.',
        x: { label: 'epoch' },
        y: { label: 'cumulative ratio', scale: 'log' },
        series: perEpoch((r) => r.cumulativeRatios, 1),
      },
      {
        id: 'fig3-right-generalisation-bound',
        title: 'Lemma 4 + Lemma 3 generalisation bound per epoch (Fig. 3 right)',
        caption: `δ = ${params.bound.delta}, loss range M = ${params.bound.lossRange}; a bound above M says nothing.`,
        x: { label: 'epoch' },
        y: { label: 'bound on |R_D − R_S|', scale: 'log' },
        series: perEpoch((r) => r.epochs.map((e) => e.generalisationBound!)),
      },
    );
  }
  return plots;
}
