import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import { formatShape, type Tensor } from '../tensor.js';

/**
 * The mean cross-entropy of softmax over classes, for feature-major logits [classes, batch] (a column is
 * one example) and integer labels (an Int32Array heap view of length batch):
 *   pᶜ_b = exp(zᶜ_b) / Σ_c' exp(zᶜ'_b),   L = −(1/B) Σ_b log p^{label_b}_b   (a scalar, shape []).
 * The probabilities are kept for the backward: dz = (dL/B) · (p − onehot(labels)).
 * The labels are read again by the backward, so they must not change before it runs.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Int32Array): Tensor {
  if (logits.shape.length !== 2) {
    throw new Error(`softmaxCrossEntropy: logits must be [classes, batch], got ${formatShape(logits.shape)}`);
  }
  const [classes, batch] = logits.shape;
  if (labels.length !== batch) {
    throw new Error(
      `softmaxCrossEntropy: ${labels.length} labels for logits ${formatShape(logits.shape)}: give one label per column (batch ${batch})`,
    );
  }
  if (batch === 0) throw new Error('softmaxCrossEntropy: the batch is empty, so the mean loss is undefined');
  for (let b = 0; b < batch; b++) {
    const label = labels[b];
    if (!(label >= 0 && label < classes)) {
      throw new Error(
        `softmaxCrossEntropy: label ${label} of example ${b} is outside the classes 0..${classes - 1}`,
      );
    }
  }
  const { heap, kernels } = engine();
  const loss = createOutput('softmaxCrossEntropy', [], [logits]);
  const probs = heap.allocF32(logits.size, false);
  loss.data[0] = kernels.softmaxCrossEntropy({ logits: logits.data, labels, probs, classes, batch });
  recordBackward(
    loss,
    (dloss) => {
      const accumulate = logits.grad !== null;
      engine().kernels.softmaxCrossEntropyBackward({
        probs,
        labels,
        dlogits: logits.ensureGrad(false),
        classes,
        batch,
        scale: dloss[0] / batch,
        accumulate,
      });
    },
    [probs],
  );
  return loss;
}
