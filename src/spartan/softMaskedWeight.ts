import { engine } from '../kernels/engine.js';
import { createOutput, recordBackward } from '../tensor/tape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Per-weight masks of one layer, heap arrays of the weight's size (Spartan's controller owns them). */
export interface WeightMasks {
  /** m ⊙ h: the soft value of each kept weight, 0 outside the hard mask. */
  readonly effective: Float32Array;
  /** m: the soft mask, by which the weight's own gradient is scaled. */
  readonly soft: Float32Array;
  /**
   * Receives ∂L/∂W_eff ⊙ W (accumulated), from which the controller sums each block's ∂L/∂m_j; null once the
   * masks are frozen and no gradient flows to them.
   */
  readonly maskUpstream: Float32Array | null;
  /**
   * 1×1 blocks before the freeze, in place of maskUpstream: the backward adds the soft top-k's γ term to the
   * weight's gradient itself (kernels.spartanSoftMaskBackward) and sums Σ γ a here.
   */
  readonly implicit?: ImplicitGradient | null;
}

/** The part of the soft top-k's implicit gradient that a 1×1 layer's backward adds (see WeightMasks). */
export interface ImplicitGradient {
  /** This step's β (times the layer's value scale in a mixed global budget). */
  beta: number;
  /** c_j per weight, or null for unit costs. */
  readonly costs: Float32Array | null;
  /** Σ γ a over this step's backward passes (the controller zeroes it each step). */
  weightedUpstream: number;
}

/**
 * Spartan's effective weight (Tai, Tian, Lim, arXiv:2205.14107, §3.3; spec/spartan.md, "Hard mask and the
 * forward weight"):
 *
 *   W_eff = W ⊙ m ⊙ h.
 *
 * Backward, straight-through on h, in one pass (kernels.spartanMaskBackward): ∂L/∂W += ∂L/∂W_eff ⊙ m (the
 * direct path), and per weight ∂L/∂W_eff ⊙ W goes to `maskUpstream` (for 1×1 blocks, `implicit` instead:
 * the same pass adds what of the soft top-k path needs no global sum, see spartanSoftMaskBackward): summed over a block j it is ∂L/∂m_j, which the soft top-k's implicit
 * gradient turns into the second path to W (SoftMaskController.afterBackward). That path needs every layer's
 * ∂L/∂m when the budget is global, so it runs after the whole backward pass, not here.
 */
export function softMaskedWeight(weight: Tensor, masks: WeightMasks): Tensor {
  const n = weight.size;
  if (masks.effective.length !== n || masks.soft.length !== n) {
    throw new Error(
      `softMaskedWeight: masks of ${masks.effective.length} and ${masks.soft.length} entries for a weight of ${n}: they must match`,
    );
  }
  const y = createOutput('softMaskedWeight', weight.shape, [weight], { overwritten: true });
  engine().kernels.mul({ a: weight.data, b: masks.effective, out: y.data, n });
  recordBackward(y, (dy) => {
    const { kernels } = engine();
    const { implicit } = masks;
    if (implicit) {
      if (!weight.requiresGrad) return;
      const { beta, costs } = implicit;
      const grad = weight.ensureGrad();
      implicit.weightedUpstream += kernels.spartanSoftMaskBackward({
        dy,
        w: weight.data,
        soft: masks.soft,
        grad,
        costs,
        n,
        beta,
      });
      return;
    }
    const grad = weight.requiresGrad ? weight.ensureGrad() : null;
    kernels.spartanMaskBackward({
      dy,
      w: weight.data,
      soft: masks.soft,
      grad,
      upstream: masks.maskUpstream,
      n,
    });
  });
  return y;
}
