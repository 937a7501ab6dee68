// Optimizer steps over n entries (see Kernels.sgdUpdate and Kernels.adamwUpdate for the math), four lanes at
// a time. The branches on momentum and Nesterov are taken once per call, outside the loops.

export function sgdUpdate(
  params: usize,
  grads: usize,
  velocity: usize,
  n: i32,
  lr: f32,
  momentum: f32,
  nesterov: bool,
  weightDecay: f32,
): void {
  const lrv = f32x4.splat(lr);
  const mu = f32x4.splat(momentum);
  const wd = f32x4.splat(weightDecay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const p = v128.load(params + at);
    const g = f32x4.add(v128.load(grads + at), f32x4.mul(wd, p));
    let step = g;
    if (momentum !== 0) {
      const v = f32x4.add(f32x4.mul(mu, v128.load(velocity + at)), g);
      v128.store(velocity + at, v);
      step = nesterov ? f32x4.add(g, f32x4.mul(mu, v)) : v;
    }
    v128.store(params + at, f32x4.sub(p, f32x4.mul(lrv, step)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const p = load<f32>(params + at);
    const g = load<f32>(grads + at) + weightDecay * p;
    let step = g;
    if (momentum !== 0) {
      const v = momentum * load<f32>(velocity + at) + g;
      store<f32>(velocity + at, v);
      step = nesterov ? g + momentum * v : v;
    }
    store<f32>(params + at, p - lr * step);
  }
}

export function adamwUpdate(
  params: usize,
  grads: usize,
  m: usize,
  v: usize,
  n: i32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weightDecay: f32,
  bc1: f32,
  bc2: f32,
): void {
  const decay = f32x4.splat(lr * weightDecay);
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const oneMinusB1 = f32x4.splat(1 - beta1);
  const oneMinusB2 = f32x4.splat(1 - beta2);
  const lrv = f32x4.splat(lr);
  const c1 = f32x4.splat(bc1);
  const c2 = f32x4.splat(bc2);
  const epsv = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const g = v128.load(grads + at);
    const p0 = v128.load(params + at);
    const p = f32x4.sub(p0, f32x4.mul(decay, p0));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + at)), f32x4.mul(oneMinusB1, g));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + at)), f32x4.mul(oneMinusB2, f32x4.mul(g, g)));
    v128.store(m + at, mi);
    v128.store(v + at, vi);
    const denominator = f32x4.add(f32x4.sqrt(f32x4.div(vi, c2)), epsv);
    v128.store(params + at, f32x4.sub(p, f32x4.div(f32x4.mul(lrv, f32x4.div(mi, c1)), denominator)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const g = load<f32>(grads + at);
    const p0 = load<f32>(params + at);
    const p = p0 - lr * weightDecay * p0;
    const mi = beta1 * load<f32>(m + at) + (1 - beta1) * g;
    const vi = beta2 * load<f32>(v + at) + (1 - beta2) * g * g;
    store<f32>(m + at, mi);
    store<f32>(v + at, vi);
    store<f32>(params + at, p - (lr * (mi / bc1)) / (Mathf.sqrt(vi / bc2) + eps));
  }
}
