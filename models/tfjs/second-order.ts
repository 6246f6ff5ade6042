/**
 * Which parts of a model the tfjs engine can differentiate twice correctly, and a check that turns a
 * request for anything else into problems to report, instead of silently wrong Hessians.
 *
 * tfjs' nested `tf.grad` fails in two ways (measured with tfjs 4.22; see second-order.test.ts):
 *  - silently wrong: ops whose gradient reads the op's saved output, which tfjs clones off the tape
 *    (tfjs issue 3252), so the second derivative loses the σ'' term;
 *  - throws: ops whose gradient uses comparison kernels that have no gradient of their own.
 * The engine therefore differentiates only the custom ops of ./ops.ts and the built-ins listed in
 * SECOND_ORDER_SAFE_BUILTIN_OPS, whose gradients read inputs only.
 */

/** Activations with a second-order-correct tfjs implementation (./activations.ts). */
export const SECOND_ORDER_SAFE_ACTIVATIONS = ['identity', 'tanh', 'relu', 'sigmoid', 'swish'] as const;

/** Loss kinds with a second-order-correct tfjs implementation (./losses.ts); each may add an l2 penalty. */
export const SECOND_ORDER_SAFE_LOSSES = ['sse', 'mse', 'softmax-ce-sum', 'softmax-ce-mean', 'sigmoid-sse'] as const;

/**
 * Built-in tfjs ops verified to differentiate twice correctly, by op name and by the kernel whose
 * gradient tfjs registers. The engine differentiates these as they are, except matMul, which it calls
 * only inside the custom matMul of ./ops.ts, for speed. Their gradients read saved inputs only (never
 * outputs) and are made of ops that have gradients; second-order.test.ts checks both facts and
 * compares nested gradients with float64 finite differences.
 */
export const SECOND_ORDER_SAFE_BUILTIN_OPS = {
  add: 'Add',
  sub: 'Sub',
  mul: 'Multiply',
  div: 'RealDiv',
  neg: 'Neg',
  square: 'Square',
  sum: 'Sum',
  mean: 'Mean',
  matMul: 'BatchMatMul',
  transpose: 'Transpose',
  reshape: 'Reshape',
  slice: 'Slice',
  split: 'SplitV',
  concat: 'Concat',
  step: 'Step',
} as const;

const SAVED_OUTPUT =
  'silently wrong at second order: its gradient reads the saved output, which tfjs clones off the tape (tfjs issue 3252)';

/** Built-in ops whose nested gradients are wrong or throw, with the reason (checked by the tests). */
export const SECOND_ORDER_UNSAFE_BUILTIN_OPS: Readonly<Record<string, string>> = {
  tanh: SAVED_OUTPUT,
  sigmoid: SAVED_OUTPUT,
  exp: SAVED_OUTPUT,
  elu: SAVED_OUTPUT,
  softmax: SAVED_OUTPUT,
  logSoftmax: SAVED_OUTPUT,
  max: 'throws at second order: its gradient uses Equal, which has no gradient',
  logSumExp: 'throws at second order: its gradient goes through max (Equal has no gradient)',
  clipByValue: 'throws at second order: its gradient uses LogicalAnd, which has no gradient',
  leakyRelu: 'throws at second order: its gradient uses Greater, which has no gradient',
  minimum: 'throws at second order: its gradient uses LessEqual/Greater, which have no gradient',
  maximum: 'throws at second order when both inputs depend on θ: its gradient uses Less, which has no gradient',
};

/** What a model or experiment needs to differentiate twice; fields that are absent are not checked. */
export interface SecondOrderRequest {
  activation?: string;
  loss?: string | { kind: string };
  /** Built-in tfjs op names (as in `tf.<name>`) that are differentiated twice as they are. */
  ops?: readonly string[];
}

/** Problems, one sentence each, for every part of `request` without a correct second derivative. */
export function checkSecondOrderSupport(request: SecondOrderRequest): string[] {
  const problems: string[] = [];
  const { activation, loss, ops = [] } = request;
  if (activation !== undefined && !includes(SECOND_ORDER_SAFE_ACTIVATIONS, activation)) {
    problems.push(
      `activation '${activation}' has no second-order-correct tfjs implementation` +
        `${because(activation)}; supported: ${SECOND_ORDER_SAFE_ACTIVATIONS.join(', ')}`,
    );
  }
  const lossKind = typeof loss === 'string' ? loss : loss?.kind;
  if (lossKind !== undefined && !includes(SECOND_ORDER_SAFE_LOSSES, lossKind)) {
    problems.push(
      `loss '${lossKind}' has no second-order-correct tfjs implementation; supported: ${SECOND_ORDER_SAFE_LOSSES.join(', ')}`,
    );
  }
  for (const op of ops) {
    if (Object.hasOwn(SECOND_ORDER_SAFE_BUILTIN_OPS, op)) continue;
    problems.push(
      Object.hasOwn(SECOND_ORDER_UNSAFE_BUILTIN_OPS, op)
        ? `tf.${op}: ${SECOND_ORDER_UNSAFE_BUILTIN_OPS[op]}; use the custom ops of models/tfjs/ops.ts instead`
        : `tf.${op} is not verified at second order; add it to SECOND_ORDER_SAFE_BUILTIN_OPS with a test first`,
    );
  }
  return problems;
}

function includes(list: readonly string[], name: string): boolean {
  return list.includes(name);
}

function because(name: string): string {
  return Object.hasOwn(SECOND_ORDER_UNSAFE_BUILTIN_OPS, name) ? ` (tf.${name}: ${SECOND_ORDER_UNSAFE_BUILTIN_OPS[name]})` : '';
}
