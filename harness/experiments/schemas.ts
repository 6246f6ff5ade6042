/** JSON Schema fragments shared by experiment kinds' parameter schemas. */
import { ACTIVATIONS, LOSS_KINDS, mlpObjective, type Dataset64, type LossSpec, type MlpSpec, type Objective } from '../../models';
import { makeDataset, type DataSpec } from '../../datasets/synthetic';
import type { Rng } from '../rng';

export const networkSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['widths', 'activation'],
  properties: {
    widths: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2 },
    activation: { enum: [...ACTIVATIONS] },
    bias: { type: 'boolean' },
  },
};

export const lossSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: { kind: { enum: [...LOSS_KINDS] }, l2: { type: 'number', minimum: 0 } },
};

export const matrixSchema = { type: 'array', items: { type: 'array', items: { type: 'number' }, minItems: 1 }, minItems: 1 };

/** The float64 objective of a network, loss and data description, with the data drawn from `rng`. */
export function mlpProblem(params: { network: MlpSpec; loss: LossSpec; data: DataSpec }, rng: Rng): { data: Dataset64; objective: Objective } {
  const widths = params.network.widths;
  const data = makeDataset(params.data, widths[0], widths[widths.length - 1], rng);
  return { data, objective: mlpObjective(params.network, params.loss, data) };
}
