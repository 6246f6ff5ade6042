/** The float64 MLP engine: activations, losses, parameter layout, forward pass, objective and init. */

export { ACTIVATIONS, type Activation } from './activations';
export { LOSS_KINDS, type LossKind, type LossSpec } from './losses';
export { type LayerLayout, type MlpSpec, forward, parameterCount, parameterLayout } from './mlp';
export { type Dataset64, type Objective, mlpObjective } from './objective';
export { kaimingNormal, uniformFanIn } from './init';
export { frobeniusNorm, l2Norm } from './norms';
