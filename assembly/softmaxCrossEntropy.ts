// Softmax cross-entropy on feature-major logits [classes × batch] (see the Kernels contract): a column is one
// example, so four examples are handled at once, one lane each, walking down the classes.
//   p[c, b] = e^(z[c, b] − max_b) / Z_b,  Z_b = Σ_c e^(z[c, b] − max_b),
//   loss = −(1/B) Σ_b log p[label_b, b] = (1/B) Σ_b (log Z_b + max_b − z[label_b, b]).
// Labels are checked by the host (a label outside 0..classes−1 would read another example's logit).
import { Exp } from './exp';

export function softmaxCrossEntropy(
  logits: usize,
  labels: usize,
  probs: usize,
  classes: i32,
  batch: i32,
): f64 {
  const rowBytes = (<usize>batch) << 2;
  let loss: f64 = 0;
  let b = 0;
  for (; b + 4 <= batch; b += 4) {
    const column = (<usize>b) << 2;
    let max = f32x4.splat(-Infinity);
    for (let c = 0; c < classes; c++) max = f32x4.pmax(max, v128.load(logits + <usize>c * rowBytes + column));
    let z = f32x4.splat(0);
    for (let c = 0; c < classes; c++) {
      const at = <usize>c * rowBytes + column;
      const e = Exp.lanes(f32x4.sub(v128.load(logits + at), max));
      v128.store(probs + at, e);
      z = f32x4.add(z, e);
    }
    const inverse = f32x4.div(f32x4.splat(1), z);
    for (let c = 0; c < classes; c++) {
      const at = probs + <usize>c * rowBytes + column;
      v128.store(at, f32x4.mul(v128.load(at), inverse));
    }
    loss += exampleLoss(logits, labels, b, rowBytes, f32x4.extract_lane(max, 0), f32x4.extract_lane(z, 0));
    loss += exampleLoss(
      logits,
      labels,
      b + 1,
      rowBytes,
      f32x4.extract_lane(max, 1),
      f32x4.extract_lane(z, 1),
    );
    loss += exampleLoss(
      logits,
      labels,
      b + 2,
      rowBytes,
      f32x4.extract_lane(max, 2),
      f32x4.extract_lane(z, 2),
    );
    loss += exampleLoss(
      logits,
      labels,
      b + 3,
      rowBytes,
      f32x4.extract_lane(max, 3),
      f32x4.extract_lane(z, 3),
    );
  }
  for (; b < batch; b++) {
    const column = (<usize>b) << 2;
    let max: f32 = -Infinity;
    for (let c = 0; c < classes; c++) max = Mathf.max(max, load<f32>(logits + <usize>c * rowBytes + column));
    let z: f32 = 0;
    for (let c = 0; c < classes; c++) {
      const at = <usize>c * rowBytes + column;
      const e = Exp.scalar(load<f32>(logits + at) - max);
      store<f32>(probs + at, e);
      z += e;
    }
    const inverse: f32 = 1 / z;
    for (let c = 0; c < classes; c++) {
      const at = probs + <usize>c * rowBytes + column;
      store<f32>(at, load<f32>(at) * inverse);
    }
    loss += exampleLoss(logits, labels, b, rowBytes, max, z);
  }
  return loss / batch;
}

/** −log p[label_b, b] = log Z_b + max_b − z[label_b, b]. */
function exampleLoss(logits: usize, labels: usize, b: i32, rowBytes: usize, max: f32, z: f32): f64 {
  const label = load<i32>(labels + ((<usize>b) << 2));
  const logit = load<f32>(logits + <usize>label * rowBytes + ((<usize>b) << 2));
  return Math.log(<f64>z) + <f64>max - <f64>logit;
}

/** dlogits (+)= scale·(probs − onehot(labels)); the one-hot lanes come from comparing labels with the class. */
export function softmaxCrossEntropyBackward(
  probs: usize,
  labels: usize,
  dlogits: usize,
  classes: i32,
  batch: i32,
  scale: f32,
  accumulate: bool,
): void {
  const rowBytes = (<usize>batch) << 2;
  const sv = f32x4.splat(scale);
  const one = f32x4.splat(1);
  for (let c = 0; c < classes; c++) {
    const classVector = i32x4.splat(c);
    const row = <usize>c * rowBytes;
    let b = 0;
    for (; b + 4 <= batch; b += 4) {
      const column = (<usize>b) << 2;
      const oneHot = v128.and(i32x4.eq(v128.load(labels + column), classVector), one);
      let g = f32x4.mul(sv, f32x4.sub(v128.load(probs + row + column), oneHot));
      if (accumulate) g = f32x4.add(v128.load(dlogits + row + column), g);
      v128.store(dlogits + row + column, g);
    }
    for (; b < batch; b++) {
      const column = (<usize>b) << 2;
      const oneHot: f32 = load<i32>(labels + column) === c ? 1 : 0;
      const g = scale * (load<f32>(probs + row + column) - oneHot);
      const to = dlogits + row + column;
      store<f32>(to, accumulate ? load<f32>(to) + g : g);
    }
  }
}
