import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import { formatShape, type Tensor } from '../tensor.js';

/** Which operands of matmul are read transposed. */
export interface MatmulOptions {
  /** Use Aᵀ, with A stored [k, m]. */
  transA?: boolean;
  /** Use Bᵀ, with B stored [n, k]. */
  transB?: boolean;
}

/**
 * C[m, n] = op(A) · op(B) for 2-D tensors, op = identity or transpose (not both at once). A dense layer runs
 * the NN form, Y[out, B] = W[out, in] · X[in, B].
 *
 * Gradients, with dC the upstream gradient (each a single kernel call in one of the three forms):
 * - C = A·B:   dA = dC·Bᵀ (NT),  dB = Aᵀ·dC (TN)
 * - C = Aᵀ·B:  dA = B·dCᵀ (NT),  dB = A·dC  (NN)
 * - C = A·Bᵀ:  dA = dC·B  (NN),  dB = dCᵀ·A (TN)
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  if (transA && transB)
    throw new Error('matmul: transA and transB together is not supported; transpose one operand first');
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new Error(`matmul: needs 2-D tensors, got a ${formatShape(a.shape)} and b ${formatShape(b.shape)}`);
  }
  const [m, k] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (k !== kb) {
    throw new Error(
      `matmul: inner dimensions differ: a ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} · b ${formatShape(b.shape)}${transB ? 'ᵀ' : ''} (${k} ≠ ${kb})`,
    );
  }
  const c = createOutput('matmul', [m, n], [a, b], { overwritten: true });
  const form = transA ? 'matmulTN' : transB ? 'matmulNT' : 'matmulNN';
  engine().kernels[form]({ a: a.data, b: b.data, c: c.data, m, k, n, accumulate: false });
  recordBackward(c, (dc) => {
    const { kernels } = engine();
    // A gradient not allocated yet is written by the product instead of zeroed and added to.
    if (a.requiresGrad) {
      const add = a.grad !== null;
      const da = a.ensureGrad(false);
      if (transA) kernels.matmulNT({ a: b.data, b: dc, c: da, m: k, k: n, n: m, accumulate: add });
      else if (transB) kernels.matmulNN({ a: dc, b: b.data, c: da, m, k: n, n: k, accumulate: add });
      else kernels.matmulNT({ a: dc, b: b.data, c: da, m, k: n, n: k, accumulate: add });
    }
    if (b.requiresGrad) {
      const add = b.grad !== null;
      const db = b.ensureGrad(false);
      if (transA) kernels.matmulNN({ a: a.data, b: dc, c: db, m: k, k: m, n, accumulate: add });
      else if (transB) kernels.matmulTN({ a: dc, b: a.data, c: db, m: n, k: m, n: k, accumulate: add });
      else kernels.matmulTN({ a: a.data, b: dc, c: db, m: k, k: m, n, accumulate: add });
    }
  });
  return c;
}
