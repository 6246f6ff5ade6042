/**
 * wc2022's prediction of the next epoch's cross-entropy loss (App. F.5, Figs. 8 and 10): Lemma 17
 * (Csiba & Richtárik 2017, Lemma 3) for gradient descent on an L-smooth, weakly μ-PL function
 * (Definition 8: ‖∇f(x)‖·‖x − x*‖ ≥ √μ·(f(x) − f*)),
 *
 *   f(x_{k+1}) − f* ≤ (1 − μ(f(x_k) − f*) / (2L‖x_k − x*‖²)) · (f(x_k) − f*),
 *
 * applied, as Lemma 1 is for MSE (App. D.1), to the last layer's weights W_L with the constants measured at
 * epoch k, for the mean over n examples of the per-example loss ℓ(o_ν) = −log softmax(o_ν)_{y_ν}:
 * - μ_k = λmin/λmax. Lemma 18 (a μ-weakly-PL function composed with a λ-WC map g with
 *   ‖x − q‖ ≥ α‖g(x) − y*‖ is μλ²α²-weakly PL) with μ = 1 for the convex cross-entropy (Definition 8's
 *   remark; Lemma 16), λ² = λmin(ΦΦᵀ) (the last layer's WC coefficient squared, §5) and α = 1/√λmax, the
 *   inverse of the layer's Lipschitz constant √λmax (Lemma 14).
 * - L_k = 2λmax/n: Lemma 16's L ≤ 2 per example with Lemmas 13 and 14 (the layer is linear in W_L).
 * - G_k = 2√(λmax/n): Lemma 16's G ≤ 2 per example, with Lemmas 13 and 14, for the mean loss
 *   (‖∇_W f‖ = ‖(1/n)·Σ_ν g_ν φ_νᵀ‖ ≤ (1/n)·√n·2·√λmax).
 * - ‖x_k − x*‖ ≈ (f(x_k) − f*)/G_k, F.5's estimate "where G is the Lipschitz constant of the function f"
 *   (the Lipschitz inequality f(x_k) − f* ≤ G‖x_k − x*‖ taken as an equality; the formula itself is
 *   garbled in the paper's text, see the claim's resolutions).
 * Together: γ_k = 1 − μ_kG_k²/(2L_k(f_k − f*)) = 1 − λmin/(λmax·(f_k − f*)), i.e. the prediction is a
 * decrease of 1/cond per epoch. Where f_k − f* < λmin/λmax the estimate gives γ_k ≤ 0 (with the true
 * distance Lemma 17's factor lies in [0, 1]); the predicted gap is then ≤ 0 and no ratio exists.
 */

/** Lemma 16: the per-example cross-entropy's Lipschitz and smoothness constants in the outputs. */
export const CROSS_ENTROPY_LIPSCHITZ = 2;
export const CROSS_ENTROPY_SMOOTHNESS = 2;
/** Definition 8's remark: a convex function is weakly PL with μ = 1. */
export const CONVEX_WEAK_PL = 1;

export interface WeakPlInputs {
  /** f(x_k) − f*. */
  gap: number;
  /** Extreme eigenvalues of the last layer's Gram ΦΦᵀ at epoch k. */
  lambdaMin: number;
  lambdaMax: number;
  /** Examples the loss is averaged over. */
  n: number;
}

export interface WeakPlPrediction {
  mu: number;
  smoothness: number;
  lipschitz: number;
  /** The estimate of ‖x_k − x*‖. */
  distance: number;
  gamma: number;
  /** γ_k·(f(x_k) − f*): the predicted f(x_{k+1}) − f*. */
  predictedGap: number;
}

/** Lemma 17's predicted next gap for the cross-entropy loss of a network's last layer (see the module comment). */
export function lemma17CrossEntropy({ gap, lambdaMin, lambdaMax, n }: WeakPlInputs): WeakPlPrediction {
  const mu = CONVEX_WEAK_PL * (lambdaMin / lambdaMax);
  const smoothness = (CROSS_ENTROPY_SMOOTHNESS * lambdaMax) / n;
  const lipschitz = CROSS_ENTROPY_LIPSCHITZ * Math.sqrt(lambdaMax / n);
  const distance = gap / lipschitz;
  const gamma = 1 - (mu * gap) / (2 * smoothness * distance * distance);
  return { mu, smoothness, lipschitz, distance, gamma, predictedGap: gamma * gap };
}
