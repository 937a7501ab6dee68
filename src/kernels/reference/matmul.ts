/** Reference dense products (see Kernels.matmulNN/TN/NT): the executable spec the SIMD kernels are tested against. */
import type { KernelArgs } from '../kernels.js';

type MatmulArgs = KernelArgs<'matmulNN'>;

/** C[m×n] (+)= A[m×k] · B[k×n]. */
export const matmulNN = (args: MatmulArgs): void => matmul(args, false, false);
/** C[m×n] (+)= Aᵀ · B, A stored [k×m]. */
export const matmulTN = (args: MatmulArgs): void => matmul(args, true, false);
/** C[m×n] (+)= A · Bᵀ, B stored [n×k]. */
export const matmulNT = (args: MatmulArgs): void => matmul(args, false, true);

function matmul({ a, b, c, m, k, n, accumulate }: MatmulArgs, transA: boolean, transB: boolean): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        const bv = transB ? b[j * k + p] : b[p * n + j];
        acc += av * bv;
      }
      c[i * n + j] = accumulate ? c[i * n + j] + acc : acc;
    }
  }
}
