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

/** MR-QLP settings of a Newton step (numerics/minres-qlp.ts); `maxit` defaults to the number of parameters. */
export const minresSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rtol', 'maxxnorm', 'acondlim', 'trancond'],
  properties: {
    rtol: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    maxxnorm: { type: 'number', exclusiveMinimum: 0 },
    acondlim: { type: 'number', exclusiveMinimum: 1 },
    trancond: { type: 'number', exclusiveMinimum: 1 },
    maxit: { type: 'integer', minimum: 1 },
  },
};

/** A number in the open interval (0, 1). */
export const unitInterval = { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 };

/** Newton-MR's back-tracking line search (Alg. 12); ε = 0 is the thesis' rule "until βα = α". */
export const newtonLineSearchSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['alpha', 'beta', 'rho', 'rhoPrime', 'epsilon'],
  properties: { alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, beta: unitInterval, rho: unitInterval, rhoPrime: unitInterval, epsilon: { type: 'number', minimum: 0 } },
};

export const matrixSchema = { type: 'array', items: { type: 'array', items: { type: 'number' }, minItems: 1 }, minItems: 1 };

/** The float64 objective of a network, loss and data description, with the data drawn from `rng`. */
export function mlpProblem(params: { network: MlpSpec; loss: LossSpec; data: DataSpec }, rng: Rng): { data: Dataset64; objective: Objective } {
  const widths = params.network.widths;
  const data = makeDataset(params.data, widths[0], widths[widths.length - 1], rng);
  return { data, objective: mlpObjective(params.network, params.loss, data) };
}
