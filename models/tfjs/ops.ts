/**
 * tfjs ops whose gradients are themselves differentiable, so that nested `tf.grad` (double backprop)
 * gives correct second derivatives.
 *
 * Why this module exists: tfjs' built-in gradients of tanh, sigmoid, exp, elu, softmax and logSoftmax
 * read the op's saved *output* (GradConfig.outputsToSave). tfjs saves a tensor by cloning it,
 * and the clone's tape node is pushed *before* the node of the op that produced the output, so the tape
 * filter never connects the clone to x (tfjs issue 3252). Nested gradients then treat y = f(x) as a
 * constant: they run without error and come out wrong by the σ'' term. Saved *inputs* do not have this
 * problem, because the input exists before its clone is taken. (Other built-ins, such as max and
 * leakyRelu, throw at second order instead; see ./second-order.ts.)
 *
 * Every op here is a `tf.customGrad` that saves only its inputs (matMul also its constant operand),
 * and whose gradient is written with
 *  - ops from SECOND_ORDER_SAFE_BUILTIN_OPS (gradients that read inputs only, verified in tests), and
 *  - the op itself or another op of this module, called again on the saved input.
 * The recursion is what makes every order right: differentiating the gradient calls the same custom op,
 * whose gradient is again built this way. The forward values are computed by any numerically stable
 * built-in (max shifts included), because tfjs never differentiates the inside of a customGrad.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Wraps `value` as a unary op whose gradient is `gradient(dy, x)`. `x` is the saved input, which tfjs
 * keeps connected to the tape, so `gradient` may be differentiated again.
 */
function unaryWithGradient(
  value: (x: tf.Tensor) => tf.Tensor,
  gradient: (dy: tf.Tensor, x: tf.Tensor) => tf.Tensor,
): <T extends tf.Tensor>(x: T) => T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([x]);
    return { value: value(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => gradient(dy, saved[0]) };
  });
  return <T extends tf.Tensor>(x: T) => op(x) as T;
}

/**
 * a·b for matrices a (n×k) and b (k×m). A custom op for speed, not correctness: tfjs' built-in matMul
 * gradient (correct at second order) uses matMul's transposeA/transposeB flags, and tfjs-backend-wasm
 * 4.22 multiplies 8–10× slower with either flag set (1000×784 times the transpose of 100×784: 58 ms
 * of CPU time with transposeB, 7.5 ms transposing explicitly first). Here every product is flag-free
 * and transposes are explicit, on the smaller operand.
 *
 * `constant` names an operand that does not depend on θ (the data x of the first layer). It is kept
 * off the op's inputs, because customGrad computes the gradient of every input eagerly, and the
 * gradient with respect to x is as costly as the forward product. Marking an operand that does depend
 * on θ as constant would silently drop its gradient, so only the forward pass of ./mlp.ts uses it.
 */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D, constant: 'a' | 'b' | null = null): tf.Tensor2D {
  if (constant === null) return matMulOfBoth(a, b) as tf.Tensor2D;
  const fixed = constant === 'a' ? a : b;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const variable = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    // The constant is saved too: one created inside a backward pass is disposed before the outer one.
    save([fixed]);
    return {
      value: constant === 'a' ? tf.matMul(fixed, variable) : tf.matMul(variable, fixed),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const savedFixed = saved[0] as tf.Tensor2D;
        return constant === 'a' ? productGradientB(savedFixed, dy as tf.Tensor2D, true) : productGradientA(dy as tf.Tensor2D, savedFixed, true);
      },
    };
  });
  return op(constant === 'a' ? b : a) as tf.Tensor2D;
}

const matMulOfBoth = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b] = args as tf.Tensor2D[];
  const save = args[2] as tf.GradSaveFunc;
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedA, savedB] = saved as tf.Tensor2D[];
      return [productGradientA(dy as tf.Tensor2D, savedB, false), productGradientB(savedA, dy as tf.Tensor2D, false)];
    },
  };
});

/** ∂⟨dy, a·b⟩/∂a = dy·bᵀ. */
function productGradientA(dy: tf.Tensor2D, b: tf.Tensor2D, bConstant: boolean): tf.Tensor2D {
  return matMul(dy, tf.transpose(b), bConstant ? 'b' : null);
}

/** ∂⟨dy, a·b⟩/∂b = aᵀ·dy, transposing a (n×k) or else dy (n×m) and the k×m result, whichever is less. */
function productGradientB(a: tf.Tensor2D, dy: tf.Tensor2D, aConstant: boolean): tf.Tensor2D {
  const [n, k] = a.shape;
  const m = dy.shape[1];
  return n * k <= (n + k) * m
    ? matMul(tf.transpose(a), dy, aConstant ? 'a' : null)
    : tf.transpose(matMul(tf.transpose(dy), a, aConstant ? 'b' : null));
}

/** tanh, with tanh' = 1 − tanh². */
export const tanh: <T extends tf.Tensor>(x: T) => T = unaryWithGradient(
  (x) => tf.tanh(x),
  (dy, x) => tf.mul(dy, tf.sub(1, tf.square(tanh(x)))),
);

/** The logistic function s, with s' = s·(1 − s). */
export const sigmoid: <T extends tf.Tensor>(x: T) => T = unaryWithGradient(
  (x) => tf.sigmoid(x),
  (dy, x) => {
    const s = sigmoid(x);
    return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
  },
);

/**
 * max(0, x), with relu'(x) = step(x) (0 at x = 0, as in the float64 engine) and relu'' = 0: `tf.step`
 * has a zero gradient, so the second derivative is the piecewise-linear one.
 */
export const relu: <T extends tf.Tensor>(x: T) => T = unaryWithGradient(
  (x) => tf.relu(x),
  (dy, x) => tf.mul(dy, tf.step(x)),
);

/** swish(x) = x·s(x) (SiLU). A product of x and the custom sigmoid needs no gradient of its own. */
export function swish<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, sigmoid(x));
}

/** 1/√x, with (x^−½)' = −½·x^−3/2 = −½·r³. */
export const rsqrt: <T extends tf.Tensor>(x: T) => T = unaryWithGradient(
  (x) => tf.rsqrt(x),
  (dy, x) => {
    const r = rsqrt(x);
    return tf.mul(dy, tf.mul(-0.5, tf.mul(r, tf.square(r))));
  },
);

/**
 * Row-wise softmax of an n×d matrix, with the Jacobian-vector product p ⊙ (g − ⟨p, g⟩) per row.
 * The forward value uses the built-in softmax, which subtracts the row maximum.
 */
export const rowSoftmax: (f: tf.Tensor2D) => tf.Tensor2D = unaryWithGradient(
  (f) => tf.softmax(f),
  (dp, f) => {
    const p = rowSoftmax(f as tf.Tensor2D);
    return tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), 1, true)));
  },
);

/**
 * log Σ_j exp(f_sj) for every row s of an n×d matrix (length n). The gradient is the row softmax.
 * The forward value is the built-in logSumExp, which shifts by the row maximum so finite logits never
 * overflow; the shift never reaches the tape (the built-in max/logSumExp gradients are not
 * differentiable, see SECOND_ORDER_UNSAFE_BUILTIN_OPS), and it cancels in the gradient anyway.
 */
export const rowLogSumExp = unaryWithGradient(
  (f) => tf.logSumExp(f, 1),
  (dy, f) => tf.mul(tf.reshape(dy, [f.shape[0], 1]), rowSoftmax(f as tf.Tensor2D)),
) as (f: tf.Tensor2D) => tf.Tensor1D;

/**
 * Column means and biased (divide-by-n) variances of an n×w matrix, as used by batch normalisation in
 * training mode. Built from mean/sub/square only, whose gradients read inputs only.
 */
export function columnMoments(z: tf.Tensor2D): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const mean = tf.mean(z, 0) as tf.Tensor1D;
  const variance = tf.mean(tf.square(tf.sub(z, mean)), 0) as tf.Tensor1D;
  return { mean, variance };
}

const normalizersByEpsilon = new Map<number, (z: tf.Tensor2D) => tf.Tensor2D>();

/**
 * Training-mode batch normalisation without the affine part: ẑ = (z − μ)·(σ² + ε)^−½ per column, where
 * μ and σ² are the column mean and biased variance of the batch z (n×w).
 *
 * One custom op for the whole normalisation, with the standard batch-norm backward pass
 *   ∂L/∂z = r ⊙ (g − mean(g) − ẑ ⊙ mean(g ⊙ ẑ)),   r = (σ² + ε)^−½,   g = ∂L/∂ẑ,
 * in which ẑ is this op again and r is the custom rsqrt of the column moments, so the pass is itself
 * differentiable. One op per ε; they are cached because the gradient refers to its own op.
 */
export function batchNormalize(z: tf.Tensor2D, epsilon: number): tf.Tensor2D {
  let normalize = normalizersByEpsilon.get(epsilon);
  if (normalize === undefined) {
    const op: (z: tf.Tensor2D) => tf.Tensor2D = unaryWithGradient(
      (x) => {
        const { mean, variance } = columnMoments(x as tf.Tensor2D);
        return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
      },
      (g, x) => {
        const zHat = op(x as tf.Tensor2D);
        const r = rsqrt(tf.add(columnMoments(x as tf.Tensor2D).variance, epsilon));
        return tf.mul(r, tf.sub(tf.sub(g, tf.mean(g, 0)), tf.mul(zHat, tf.mean(tf.mul(g, zHat), 0))));
      },
    );
    normalize = op;
    normalizersByEpsilon.set(epsilon, normalize);
  }
  return normalize(z);
}
