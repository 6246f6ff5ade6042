/** The tfjs engine: float32 MLPs with exact (double-backprop) Hessian-vector products, and its backends. */

export { type BackendChoice, describeChoice, selectBackend, tfjsBackends } from './backends';
export { type BatchNormMode, type LayerStatistics, TRAINING_MODE, updateRunningStatistics } from './batch-norm';
export { type TfjsDataset, tfjsDataset } from './data';
export {
  DEFAULT_BATCH_NORM_EPSILON,
  type TfjsLayerLayout,
  type TfjsMlpSpec,
  appendBatchNormParameters,
  tfjsParameterCount,
  tfjsParameterLayout,
} from './layout';
export { batchStatistics, mlpOutputs } from './mlp';
export { type TfjsMlpObjective, tfjsMlpObjective } from './objective';
export {
  SECOND_ORDER_SAFE_ACTIVATIONS,
  SECOND_ORDER_SAFE_BUILTIN_OPS,
  SECOND_ORDER_SAFE_LOSSES,
  SECOND_ORDER_UNSAFE_BUILTIN_OPS,
  type SecondOrderRequest,
  checkSecondOrderSupport,
} from './second-order';
