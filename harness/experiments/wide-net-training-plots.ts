/** The plots of `wide-net-training`: wc2022 Fig. 2 (left, right), 3 (right), 7, 8, 9 and 10 redrawn from the runs. */
import type { PlotSeries, PlotSpec } from '../types';
import type { TrainingParams } from './wide-net-training';
import type { TrainingRun } from './wide-net-training-task';

/** A run's name in plot legends and error messages. */
export const runName = (r: Pick<TrainingRun, 'activation' | 'depth' | 'learningRate' | 'examples' | 'seed'>): string => `${r.activation}, ${r.depth} layers, lr ${r.learningRate}, n ${r.examples}, seed ${r.seed}`;

export function trainingPlots(params: TrainingParams, runs: TrainingRun[]): PlotSpec[] {
  // Epochs whose value does not exist (a Lemma 17 ratio where γ_k ≤ 0) are left out of the line.
  const perEpoch = (f: (r: TrainingRun) => number[], from = 0): PlotSeries[] =>
    runs.map((r) => {
      const points = f(r).flatMap((y, k) => (Number.isFinite(y) ? [{ x: k + from, y }] : []));
      return { name: runName(r), group: `lr ${r.learningRate}`, mark: 'line' as const, x: points.map((p) => p.x), y: points.map((p) => p.y) };
    });
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
  // The per-epoch ratio of actual to predicted loss and its running product: Lemma 17 for cross-entropy
  // (App. F.5–F.6, Figs. 8 and 10), Lemma 1 for MSE (Fig. 2 left, App. F.6 Fig. 9).
  const ratioPlots = (ratio: Pick<PlotSpec, 'id' | 'title' | 'caption'>, cumulative: Pick<PlotSpec, 'id' | 'title'>): PlotSpec[] => [
    { ...ratio, x: { label: 'epoch' }, y: { label: 'loss prediction ratio' }, series: perEpoch((r) => r.ratios, 1) },
    { ...cumulative, caption: 'Running product of the per-epoch ratios.', x: { label: 'epoch' }, y: { label: 'cumulative ratio', scale: 'log' }, series: perEpoch((r) => r.cumulativeRatios, 1) },
  ];
  if (params.loss === 'cross-entropy') {
    plots.push(
      ...ratioPlots(
        {
          id: 'fig8-loss-prediction-ratio-cross-entropy',
          title: 'Actual over Lemma 17-predicted cross-entropy loss per epoch (App. F.5, Fig. 8)',
          caption: 'f_{k+1}/(γ_k f_k), γ_k = 1 − μ_k f_k/(2L_k‖x_k − x*‖²) with ‖x_k − x*‖ ≈ f_k/G_k, which is 1 − λmin/(λmax·f_k), measured at epoch k; below 1 the prediction is conservative. The paper draws ReLU and tanh in separate panels; here the groups are learning rates and each line names its activation.',
        },
        { id: 'fig10-cumulative-ratio-cross-entropy', title: 'Cumulative Lemma 17 loss prediction ratio, cross-entropy (App. F.6, Fig. 10)' },
      ),
    );
  }
  if (params.loss === 'mse') {
    plots.push(
      ...ratioPlots(
        {
          id: 'fig2-left-loss-prediction-ratio',
          title: 'Actual over Lemma 1-predicted loss per epoch (Fig. 2 left)',
          caption: 'f_{k+1}/(γ_k f_k), γ_k = 1 − μ_k/L_k measured at epoch k; below 1 the prediction is conservative.',
        },
        { id: 'fig9-cumulative-ratio', title: 'Cumulative loss prediction ratio (App. F.6, Fig. 9)' },
      ),
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
