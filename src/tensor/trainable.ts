/**
 * The unit an optimizer updates: flat arrays and nothing else, so optimizers never see shapes or sparsity
 * patterns. `values`, `grads` and every `state` array have the same length and are kernel-heap views.
 *
 * Optimizer state arrays are created by the optimizer on first use under its own keys (SGD: 'velocity';
 * AdamW: 'firstMoment', 'secondMoment') and owned by the Trainable: whoever changes which entries a
 * Trainable holds (a SparseWeight refreshing its sets) remaps them, keeping the state of entries that stay.
 */
export interface Trainable {
  /** Unique within a model; checkpoints key values and optimizer state by it (e.g. 'fc1.weight'). */
  readonly name: string;
  readonly values: Float32Array;
  readonly grads: Float32Array;
  readonly state: Map<string, Float32Array>;
  /** Whether the optimizer's weight decay applies (false for biases by default). */
  readonly decay: boolean;
  /**
   * Optional: entries from `scaledFrom` on take `updateScale` times the optimizer's step (Top-KAST's B \ A
   * under an adaptive optimizer: TopKast's explorationScale). Absent or 1: every entry takes the full step.
   */
  readonly updateScale?: number;
  readonly scaledFrom?: number;
}
