/**
 * Data losses of network outputs f (n×d) against targets y (n×d) as tfjs scalars, with the same
 * definitions as the float64 engine (../losses.ts):
 *
 *   sse             = Σ_s Σ_j (f_sj − y_sj)²
 *   mse             = sse / (n·d)
 *   softmax-ce-sum  = Σ_s (m_s·logsumexp(f_s) − Σ_j y_sj f_sj),   m_s = Σ_j y_sj
 *   softmax-ce-mean = softmax-ce-sum / n
 *   sigmoid-sse     = Σ_s Σ_j (σ(f_sj) − y_sj)²   (σ: the custom sigmoid of ./ops.ts)
 *
 * Cross-entropy is written through the row log-sum-exp rather than tf.logSoftmax: −Σ_j y_j log p_j
 * = m·lse(f) − ⟨y, f⟩ for any targets (not only one-hot), and lse is the custom op of ./ops.ts whose
 * gradient (the softmax) is itself differentiable. tf.logSoftmax's nested gradient is silently wrong.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossKind } from '../losses';
import { rowLogSumExp, sigmoid } from './ops';

export function dataLoss(kind: LossKind, f: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  const [n, d] = f.shape;
  switch (kind) {
    case 'sse':
    case 'mse': {
      const sse = tf.sum<tf.Scalar>(tf.square(tf.sub(f, y)));
      return kind === 'mse' ? tf.mul<tf.Scalar>(sse, 1 / (n * d)) : sse;
    }
    case 'sigmoid-sse':
      return tf.sum<tf.Scalar>(tf.square(tf.sub(sigmoid(f), y)));
    case 'softmax-ce-sum':
    case 'softmax-ce-mean': {
      const rowMass = tf.sum(y, 1);
      const sum = tf.sum<tf.Scalar>(tf.sub(tf.mul(rowMass, rowLogSumExp(f)), tf.sum(tf.mul(y, f), 1)));
      return kind === 'softmax-ce-mean' ? tf.mul<tf.Scalar>(sum, 1 / n) : sum;
    }
  }
}

/** l2·‖θ‖², the penalty of `LossSpec.l2`. */
export function l2Penalty(l2: number, theta: tf.Tensor1D): tf.Scalar {
  return tf.mul<tf.Scalar>(tf.sum(tf.square(theta)), l2);
}
