/** JSON Schema fragments shared by experiment kinds' parameter schemas. */
import { ACTIVATIONS, LOSS_KINDS } from '../../models';

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
