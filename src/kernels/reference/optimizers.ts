import type { KernelArgs } from '../kernels.js';

/** Reference optimizer update kernels (see Kernels.sgdUpdate and Kernels.adamwUpdate for the math). */
export function sgdUpdate({
  params,
  grads,
  velocity,
  n,
  lr,
  momentum,
  nesterov,
  weightDecay,
}: KernelArgs<'sgdUpdate'>): void {
  for (let i = 0; i < n; i++) {
    const g = grads[i] + weightDecay * params[i];
    if (momentum === 0) {
      params[i] -= lr * g;
      continue;
    }
    const v = momentum * velocity[i] + g;
    velocity[i] = v;
    params[i] -= lr * (nesterov ? g + momentum * v : v);
  }
}

export function adamwUpdate({
  params,
  grads,
  m,
  v,
  n,
  lr,
  beta1,
  beta2,
  eps,
  weightDecay,
  bc1,
  bc2,
}: KernelArgs<'adamwUpdate'>): void {
  for (let i = 0; i < n; i++) {
    const g = grads[i];
    const p = params[i] - lr * weightDecay * params[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] = p - (lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + eps);
  }
}
