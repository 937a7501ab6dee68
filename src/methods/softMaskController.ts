/**
 * The soft-mask controller: runs Spartan through training (Tai, Tian, Lim, arXiv:2205.14107, Algorithm 1;
 * spec/spartan.md).
 *
 * Every masked layer keeps its dense weight W and routes it through softMaskedWeight: W_eff = W ⊙ m ⊙ h.
 * For each step t (0-based) of T:
 *   beforeStep(t)     t < ⌊f·T⌋: block values v_j = Σ|w| → soft top-k m (budget κ(t)·Σc, sharpness β(t))
 *                     and hard mask h (SoftTopKSolver: float32 arrays in the kernel heap, one per budget group,
 *                     of which a 1×1 layer's masks are views; a blocked layer gets m and m ⊙ h broadcast).
 *                     At t = ⌊f·T⌋ the masks are computed once more and frozen: m ← m ⊙ h, kept in the
 *                     controller's state (getState carries it into checkpoints, maskState.ts), and from then
 *                     on W_eff = W ⊙ m with ∂L/∂W = ∂L/∂W_eff ⊙ m.
 *   afterBackward(t)  before the freeze, the soft top-k path: γ_j = Σ_{i∈j} (∂L/∂W_eff ⊙ W)_i, the implicit
 *                     gradient ∂L/∂v_j = β a_j (γ_j / c_j − s) (the float64 reference is softTopKBackward), and
 *                     ∂L/∂w_i += sign(w_i)·∂L/∂v_j; a 1×1 layer's backward already added the γ term.
 *
 * No buffer is allocated per step (only views and a few small objects): the group arrays and the masks live
 * from the first step to the freeze, the solver's scratch to the end.
 *   afterUpdate(T−1)  finalize: W ← W ⊙ m, and each layer becomes an ordinary sparse layer (forward set =
 *                     backward set = the kept weights): evaluation, checkpoints and export are sparse. The
 *                     optimizer's list follows: each new SparseWeight replaces the Parameter it came from.
 *
 * Weights, gradients and optimizer state are dense while training, as published; the summary's memory says so.
 *
 * Global budgets with mixed block sizes (a tensor that fell back to 1×1): one soft top-k has one β, so each
 * tensor's values are scaled by β_l(t)/β(t) of the group; the hard mask then ranks the β-scaled unit values,
 * the order of the soft mask itself.
 */
import { engine } from '../kernels/engine.js';
import type { Module } from '../nn/module.js';
import { Parameter } from '../nn/parameter.js';
import type { Sparsifiable } from '../nn/sparsifiable.js';
import { overlap } from '../sparse/sortedIndices.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { BlockLayout } from '../spartan/blockLayout.js';
import type { ValueSource } from '../spartan/hardThreshold.js';
import { SpartanSchedule } from '../spartan/schedule.js';
import { softMaskedWeight, type WeightMasks } from '../spartan/softMaskedWeight.js';
import { softTopK } from '../spartan/softTopK.js';
import { SoftTopKSolver } from '../spartan/softTopKSolver.js';
import {
  ControllerBase,
  type ControllerOptions,
  type ControllerState,
  copyChurn,
  type LayerReport,
  type SoftMaskArrays,
  type SoftMaskReport,
  type SoftMaskState,
  type TrainableList,
} from './controller.js';
import { type PackedMask, packMask, unpackMask } from './maskState.js';
import { type MemoryReport, trainablesMemory, withTotal } from './memoryReport.js';
import { maskedDensity, tensorDensities } from './spartanBudget.js';
import type { SpartanSettings } from './spartanSettings.js';

/**
 * The state keys under which checkpoints written before the masks moved into the controller's state kept a
 * frozen layer's m ⊙ h and the hard mask at the last churn record in the weight's state: setState takes them
 * from there, so those checkpoints still resume.
 */
export const FROZEN_MASK_KEY = 'spartanMask';
export const CHURN_REFERENCE_KEY = 'spartanChurnReference';

/** Churn is recorded at most this many times over a run (every ⌈T / 100⌉ steps before the freeze). */
const CHURN_RECORDS = 100;

interface MaskedLayer {
  readonly module: Module & Sparsifiable;
  readonly weight: Parameter;
  readonly layout: BlockLayout;
  /** Cost of each of its entries: block size (× uses per example for the "flops" model). */
  readonly entryCost: number;
  /** Its first entry in the concatenated entry arrays. */
  readonly offset: number;
  /** 1×1 blocks: entry j is weight j, so the layer's masks are views of its group's entry arrays. */
  readonly direct: boolean;
  masks: WeightMasks;
}

/** A budget group's per-entry arrays in the kernel heap (float32), alive until the freeze. */
interface GroupArrays {
  /** v'_j (the block values, β-scaled for a mixed global budget). */
  readonly values: Float32Array;
  /** m_j. */
  readonly soft: Float32Array;
  /** m_j·h_j. */
  readonly effective: Float32Array;
  /** γ_j = ∂L/∂m_j of the blocked layers' entries (their block sums); null when every layer is 1×1. */
  readonly upstream: Float32Array | null;
}

/** Tensors whose entries share one soft top-k: every tensor (global budget) or one each. */
interface BudgetGroup {
  readonly layers: readonly MaskedLayer[];
  readonly offset: number;
  readonly length: number;
  /** c_j (in the kernel heap), or null when all are 1. */
  readonly costs: Float32Array | null;
  readonly totalCost: number;
  /** κ after the warmup. */
  readonly density: number;
  /** The entry arrays before the freeze; null after it. */
  arrays: GroupArrays | null;
  /** This step's budget, β and Σ c m(1 − m) (from beforeStep, read by afterBackward). */
  solution: { budget: number; beta: number; slope: number } | null;
}

export class SoftMaskController extends ControllerBase<SpartanSettings> {
  readonly schedule: SpartanSchedule;
  /** Messages about the run's setup (block fall-backs), also given to options.warn. */
  readonly warnings: string[] = [];
  private readonly layers: MaskedLayer[];
  private readonly groups: BudgetGroup[];
  private readonly solver = new SoftTopKSolver();
  /** ∂L/∂v_j of the blocked layers' entries (scratch of afterBackward; empty when every block is 1×1). */
  private readonly entryGradient: Float64Array;
  /** Per layer, the frozen m ⊙ h (heap), from the freeze until the layers become sparse. */
  private readonly frozenMasks: (Float32Array | null)[];
  /** Per layer, the hard mask (1 kept, 0 not; heap) at the last churn record, until the layers become sparse. */
  private readonly churnReferences: (Float32Array | null)[];
  private frozen = false;
  private finalized = false;
  private released = false;
  private soft: SoftMaskState = {
    beta: Number.NaN,
    kappa: 1,
    errorSum: 0,
    errorMax: 0,
    errorLast: 0,
    steps: 0,
  };
  private trainingMemory: MemoryReport | null = null;

  /** Masks `modules` (distribution default 'global': one budget over every masked tensor). */
  constructor(
    method: SpartanSettings,
    model: Module,
    modules: readonly (Module & Sparsifiable)[],
    options: ControllerOptions,
  ) {
    super(method, model, options.distribution ?? 'global', options.totalSteps);
    this.schedule = new SpartanSchedule({
      betaInit: method.betaInit,
      betaTarget: method.betaTarget,
      anneal: method.anneal,
      warmup: method.warmup,
      freeze: method.freeze,
      totalSteps: options.totalSteps,
    });
    const warn = options.warn ?? ((message: string) => console.warn(message));
    let offset = 0;
    this.layers = modules.map((module) => {
      const layer = this.maskedLayer(module, offset);
      if (layer.layout.fellBack) {
        const { rows, cols } = method.block;
        const message = `spartan: ${module.name}'s weight [${module.weightDims.join(', ')}] does not divide into ${rows}x${cols} blocks: it uses 1x1 blocks`;
        this.warnings.push(message);
        warn(message);
      }
      offset += layer.layout.entries;
      return layer;
    });
    const blocked = this.layers.filter((layer) => !layer.direct);
    this.entryGradient = new Float64Array(blocked.reduce((n, layer) => Math.max(n, layer.layout.entries), 0));
    this.frozenMasks = this.layers.map(() => null);
    this.churnReferences = this.layers.map(() => null);
    this.groups = this.budgetGroups();
    for (const group of this.groups) this.allocateArrays(group);
    this.computeMasks(0, false);
  }

  beforeStep(step: number): void {
    if (this.finalized || this.frozen) return;
    this.computeMasks(step);
    if (step >= this.schedule.freezeStep) this.freeze();
    else if (step % Math.ceil(this.totalSteps / CHURN_RECORDS) === 0) this.recordChurn(step);
  }

  /**
   * The soft top-k path of the weight gradient (before the freeze): per group, s = Σ γ a / Σ c a, then
   * ∂L/∂w_i += sign(w_i)·β·a_j(γ_j / c_j − s) for weight i of entry j. A 1×1 layer's backward already added
   * the γ term and summed its Σ γ a (softMaskedWeight, `implicit`), so one kernel pass adds the −s term; a
   * blocked layer's γ_j are its block sums of ∂L/∂W_eff ⊙ W.
   */
  afterBackward(step: number): void {
    if (this.frozen || this.finalized) return;
    const { kernels } = engine();
    for (const group of this.groups) {
      const { solution, arrays, costs } = group;
      if (!solution || !arrays) continue;
      let weightedUpstream = 0;
      for (const layer of group.layers) {
        const at = layer.offset - group.offset;
        const { implicit, maskUpstream } = layer.masks;
        if (implicit) {
          weightedUpstream += implicit.weightedUpstream;
          continue;
        }
        const upstream = arrays.upstream!;
        layer.layout.sumBlocks(maskUpstream!, upstream, at);
        maskUpstream!.fill(0);
        for (let j = at; j < at + layer.layout.entries; j++) {
          weightedUpstream += upstream[j] * arrays.soft[j] * (1 - arrays.soft[j]);
        }
      }
      const s = solution.slope > 0 ? weightedUpstream / solution.slope : 0;
      for (const layer of group.layers) {
        const beta = solution.beta * this.valueScale(layer, group, step);
        const at = layer.offset - group.offset;
        const entries = layer.layout.entries;
        const view = (array: Float32Array) => array.subarray(at, at + entries);
        const { values, grads } = layer.weight;
        if (layer.masks.implicit) {
          const layerCosts = costs === null ? null : view(costs);
          kernels.spartanApplyGradient({
            w: values,
            grad: grads,
            soft: view(arrays.soft),
            upstream: null,
            costs: layerCosts,
            n: entries,
            beta,
            s,
          });
          continue;
        }
        const upstream = arrays.upstream!;
        const gradient = this.entryGradient;
        for (let j = 0; j < entries; j++) {
          const m = arrays.soft[at + j];
          const c = costs === null ? 1 : costs[at + j];
          gradient[j] = beta * m * (1 - m) * (upstream[at + j] / c - s);
        }
        layer.layout.addSignedBroadcast(gradient, 0, 1, values, grads);
        upstream.fill(0, at, at + entries);
      }
    }
  }

  afterUpdate(step: number, trainables: TrainableList): void {
    if (step === this.totalSteps - 1 && !this.finalized) this.finalize(trainables);
  }

  /**
   * The masks of step `step`: per budget group, the block values, κ(t)·Σc and β(t), one soft top-k (the float32
   * solver in the kernel heap, or the float64 Sinkhorn loop of the reference code), and m and m ⊙ h broadcast
   * to each blocked layer's weights (a 1×1 layer's masks are the group's arrays). `record`: count the step in
   * the budget-error statistics.
   */
  private computeMasks(step: number, record = true): void {
    const { kernels } = engine();
    let error = 0;
    let lastBeta = Number.NaN;
    let lastKappa = 1;
    for (const group of this.groups) {
      const arrays = group.arrays!;
      const beta = this.schedule.beta(step, group.layers[0].layout.blockSize);
      // 1×1 layers with unit costs: the solver writes the values scale·|w| in its first pass.
      const solverWritesValues = this.method.solver === 'newton' && group.costs === null;
      const sources: ValueSource[] = [];
      for (const layer of group.layers) {
        const at = layer.offset - group.offset;
        const scale = this.valueScale(layer, group, step);
        const { values } = layer.weight;
        if (layer.direct && solverWritesValues) sources.push({ weights: values, offset: at, scale });
        else if (layer.direct) {
          kernels.spartanValues({
            w: values,
            out: arrays.values.subarray(at, at + values.length),
            n: values.length,
            scale,
          });
        } else {
          layer.layout.blockValues(values, arrays.values, at);
          if (scale !== 1) for (let j = at; j < at + layer.layout.entries; j++) arrays.values[j] *= scale;
        }
      }
      const kappa = this.schedule.kappa(step, group.density);
      const budget = kappa * group.totalCost;
      const problem = { values: arrays.values, costs: group.costs, totalCost: group.totalCost, budget, beta };
      const { budgetError, slope } =
        this.method.solver === 'sinkhorn'
          ? this.sinkhornMasks(problem, arrays)
          : this.solver.solve({ ...problem, sources }, arrays, 'spartan');
      group.solution = { budget, beta, slope };
      error = Math.max(error, budgetError);
      lastBeta = beta;
      lastKappa = kappa;
      for (const layer of group.layers) {
        const { implicit } = layer.masks;
        if (implicit) {
          implicit.beta = beta * this.valueScale(layer, group, step);
          implicit.weightedUpstream = 0;
        }
        if (layer.direct) continue;
        const at = layer.offset - group.offset;
        layer.layout.broadcast(arrays.soft, at, layer.masks.soft);
        layer.layout.broadcast(arrays.effective, at, layer.masks.effective);
      }
    }
    if (!record) return;
    const { errorSum, errorMax, steps } = this.soft;
    this.soft = {
      beta: lastBeta,
      kappa: lastKappa,
      errorSum: errorSum + error,
      errorMax: Math.max(errorMax, error),
      errorLast: error,
      steps: steps + 1,
    };
  }

  /**
   * The reference code's Sinkhorn loop (softTopK, float64), copied into the group's masks; its budget error
   * and Σ c m(1 − m).
   */
  private sinkhornMasks(
    problem: { values: Float32Array; costs: Float32Array | null; budget: number; beta: number },
    arrays: GroupArrays,
  ): { budgetError: number; slope: number } {
    const { values, costs, budget, beta } = problem;
    const { mask, hard, budgetError } = softTopK({
      values,
      costs: costs ?? undefined,
      budget,
      beta,
      method: 'sinkhorn',
    });
    arrays.soft.set(mask);
    let slope = 0;
    for (let j = 0; j < mask.length; j++) {
      arrays.effective[j] = hard[j] === 1 ? mask[j] : 0;
      const m = arrays.soft[j];
      slope += (costs === null ? 1 : costs[j]) * m * (1 - m);
    }
    return { budgetError, slope };
  }

  /** β_l(t) / β_group(t): 1 unless a global budget mixes block sizes (see the file comment). */
  private valueScale(layer: MaskedLayer, group: BudgetGroup, step: number): number {
    const first = group.layers[0].layout.blockSize;
    if (layer.layout.blockSize === first) return 1;
    return this.schedule.beta(step, layer.layout.blockSize) / this.schedule.beta(step, first);
  }

  /** m ← m ⊙ h, fixed from now on and kept in the controller's state (every layer keeping a block). */
  private freeze(): void {
    const { heap } = engine();
    for (const group of this.groups) keepOneBlockPerLayer(group);
    this.layers.forEach((layer, l) => {
      this.frozenMasks[l] ??= heap.allocF32(layer.weight.values.length);
      const frozen = this.frozenMasks[l];
      frozen.set(layer.masks.effective);
      this.useFrozenMask(layer, frozen);
    });
    for (const group of this.groups) this.freeArrays(group);
    this.frozen = true;
  }

  private useFrozenMask(layer: MaskedLayer, frozen: Float32Array): void {
    this.useMasks(layer, { effective: frozen, soft: frozen, maskUpstream: null });
  }

  /** Routes the layer's weight through `masks`, freeing the ones it replaces (a blocked layer's own). */
  private useMasks(layer: MaskedLayer, masks: WeightMasks): void {
    if (layer.masks.maskUpstream && !layer.direct) freeMasks(layer.masks);
    layer.masks = masks;
    layer.module.setWeightTransform((w) => softMaskedWeight(w, masks));
  }

  /**
   * W ← W ⊙ m, and each layer becomes sparse on its kept weights, in the optimizer's list too. The kept
   * entries carry their optimizer state over (A = B = the kept entries, in ascending order), so the final
   * checkpoint holds a complete sparse run that resumes and exports like any other.
   */
  private finalize(trainables: TrainableList): void {
    if (!this.frozen) this.freeze();
    this.trainingMemory = this.memory();
    for (const layer of this.layers) {
      const { weight, module } = layer;
      const mask = layer.masks.effective;
      engine().kernels.mul({ a: weight.values, b: mask, out: weight.values, n: mask.length });
      const kept = keptWeights(mask);
      const state = keptState(weight, kept);
      module.setWeightTransform(null);
      const sparse = module.makeSparse(kept, kept);
      for (const [key, values] of state) sparse.state.set(key, values);
      trainables.replaceTrainable(weight, sparse);
      layer.masks = NO_MASKS;
    }
    this.releaseMasks();
    this.releaseScratch();
    this.finalized = true;
  }

  /** The frozen masks and churn references (the layers are sparse, or the run stopped). */
  private releaseMasks(): void {
    const { heap } = engine();
    for (const masks of [this.frozenMasks, this.churnReferences]) {
      masks.forEach((mask, l) => {
        if (mask) heap.free(mask);
        masks[l] = null;
      });
    }
  }

  /**
   * Churn since the last record: per layer, the fraction of the kept weights that were not kept then. The last
   * record's hard mask is controller state, so a resumed run records the same churn.
   */
  private recordChurn(step: number): void {
    const churn: number[] = [];
    this.layers.forEach(({ masks }, l) => {
      const now = keptWeights(masks.effective);
      const reference = this.churnReferences[l];
      if (reference) churn.push(changedFraction(keptWeights(reference), now));
      const next = reference ?? engine().heap.allocF32(masks.effective.length);
      for (let i = 0; i < next.length; i++) next[i] = masks.effective[i] === 0 ? 0 : 1;
      this.churnReferences[l] = next;
    });
    if (churn.length > 0) this.churn.push({ step, forwardChurn: churn });
  }

  /** The run's progress as plain data: churn, the soft-mask figures, and the masks steps do not recompute. */
  getState(): ControllerState {
    const pack = (masks: (Float32Array | null)[], withValues: boolean): PackedMask[] | null =>
      masks.every((mask) => mask !== null) ? masks.map((mask) => packMask(mask!, withValues)) : null;
    const masks: SoftMaskArrays = {
      churnReference: pack(this.churnReferences, false),
      frozen: pack(this.frozenMasks, true),
    };
    return {
      churn: copyChurn(this.churn),
      trainingFlops: 0,
      denseFlops: 0,
      softMask: { ...this.soft },
      masks,
    };
  }

  /**
   * After restoreModel: the churn, figures and masks of getState(); frozen masks resume the run frozen. A
   * checkpoint written before the masks were controller state holds them in the weights' state instead
   * (FROZEN_MASK_KEY, CHURN_REFERENCE_KEY): they are taken from there.
   */
  setState(state: ControllerState): void {
    this.restoreChurn(state.churn);
    if (state.softMask) this.soft = { ...state.softMask };
    const masks = state.masks ?? this.takeLegacyMasks();
    this.restoreMasks(this.churnReferences, masks.churnReference, 'churn reference');
    this.restoreMasks(this.frozenMasks, masks.frozen, 'frozen mask');
    if (masks.frozen) {
      this.layers.forEach((layer, l) => {
        this.useFrozenMask(layer, this.frozenMasks[l]!);
      });
      for (const group of this.groups) this.freeArrays(group);
      this.frozen = true;
    } else if (this.frozen) {
      for (const group of this.groups) this.allocateArrays(group);
      this.frozen = false;
    }
  }

  /** Sets each layer's mask from `packed` (one per layer), or frees them all when it is null. */
  private restoreMasks(masks: (Float32Array | null)[], packed: PackedMask[] | null, what: string): void {
    if (packed !== null && (!Array.isArray(packed) || packed.length !== this.layers.length)) {
      throw new Error(
        `spartan: the checkpoint's ${what}s are not one per masked layer (${this.layers.length}): the controller state is not one topkast writes`,
      );
    }
    const { heap } = engine();
    this.layers.forEach((layer, l) => {
      if (packed === null) {
        if (masks[l]) heap.free(masks[l]!);
        masks[l] = null;
        return;
      }
      masks[l] ??= heap.allocF32(layer.weight.values.length);
      unpackMask(packed[l], masks[l], `spartan: ${layer.weight.name}'s ${what}`);
    });
  }

  /** The masks of a checkpoint that kept them in the weights' state, moved out of it (see setState). */
  private takeLegacyMasks(): SoftMaskArrays {
    const take = (key: string): PackedMask[] | null => {
      const arrays = this.layers.map((layer) => layer.weight.state.get(key));
      if (arrays.some((array) => array !== undefined) && !arrays.every((array) => array !== undefined)) {
        throw new Error(`spartan: the checkpoint holds ${key} for some layers only: it is inconsistent`);
      }
      this.layers.forEach((layer) => {
        const array = layer.weight.state.get(key);
        if (array) engine().heap.free(array);
        layer.weight.state.delete(key);
      });
      return arrays[0] === undefined
        ? null
        : arrays.map((array) => packMask(array!, key === FROZEN_MASK_KEY));
    };
    return { churnReference: take(CHURN_REFERENCE_KEY), frozen: take(FROZEN_MASK_KEY) };
  }

  /** 1: Spartan's products are dense while it trains (its forward pass is hard-sparse only in its values). */
  relativeTrainingFlops(): number {
    return 1;
  }

  /** 1: the kernels that ran were the dense ones. */
  executedTrainingFlops(): number {
    return 1;
  }

  layerReports(): LayerReport[] {
    return this.layers.map(({ module, layout, masks }) => {
      const { weight } = module;
      const size = layout.rows * layout.cols;
      const forwardCount = weight instanceof SparseWeight ? weight.forwardCount : keptCount(masks.effective);
      const backwardCount = weight instanceof SparseWeight ? weight.backwardCount : size;
      return {
        name: weight.name,
        shape: [layout.rows, layout.cols],
        forwardCount,
        backwardCount,
        forwardDensity: forwardCount / size,
        backwardDensity: backwardCount / size,
      };
    });
  }

  protected override softMaskReport(): SoftMaskReport {
    const { beta, kappa, errorSum, errorMax, errorLast, steps } = this.soft;
    return {
      beta,
      kappa,
      budgetError: { mean: steps === 0 ? 0 : errorSum / steps, max: errorMax, last: errorLast },
      freezeStep: this.schedule.freezeStep,
      finalized: this.finalized,
      blocks: this.layers.map((layer) => `${layer.layout.block.rows}x${layer.layout.block.cols}`),
      memoryNote:
        'training memory: Spartan trains dense weights, gradients and optimizer state plus its masks (as published); the finalized model is sparse',
    };
  }

  /**
   * The most the run holds while it trains (MemoryReport), which is before the freeze: every parameter's
   * values, gradients and optimizer state, the churn references, and the controller's float32 entry arrays in
   * the kernel heap — v, m and m ⊙ h per entry, ∂L/∂m when a budget group has blocked layers, and a blocked
   * layer's three per-weight masks — which the frozen mask replaces at the freeze (hot); the entry costs c when
   * they are not all 1, the float64 entry gradient and the soft top-k solver's scratch (scratch). Nothing is
   * allocated per step. The same figure before and after the freeze, so a resumed run reports what an
   * uninterrupted one does (after the last step: the figure taken just before the layers became sparse). The
   * dense equivalent is the same model trained dense, without Spartan's masks.
   */
  memory(): MemoryReport {
    if (this.trainingMemory) return this.trainingMemory;
    const memory = trainablesMemory(this.model);
    for (const reference of this.churnReferences) memory.hotBytes += reference?.byteLength ?? 0;
    let scratchBytes = this.entryGradient.byteLength;
    for (const group of this.groups) {
      const blocked = group.layers.filter((layer) => !layer.direct);
      memory.hotBytes += 4 * group.length * (blocked.length > 0 ? 4 : 3);
      for (const layer of blocked) memory.hotBytes += 3 * 4 * layer.weight.values.length;
      if (group.costs) scratchBytes += 4 * group.length;
    }
    memory.scratchBytes =
      scratchBytes + this.solver.scratchBytes(Math.max(...this.groups.map((g) => g.length)));
    return withTotal(memory);
  }

  private maskedLayer(module: Module & Sparsifiable, offset: number): MaskedLayer {
    const { weight, weightDims, name } = module;
    if (!(weight instanceof Parameter)) throw new Error(`spartan: ${name} is already sparse`);
    const [rows, , ...kernel] = weightDims;
    const positions = kernel.reduce((a, b) => a * b, 1);
    const layout = new BlockLayout(rows, weight.values.length / rows, this.method.block, positions);
    let uses = 1;
    if (this.method.costModel === 'flops') {
      if (module.weightUses === undefined) {
        throw new Error(
          `spartan: the flops cost model needs ${name}'s uses per example (a convolution's output size): build it with inputSize, or use --cost-model sparsity`,
        );
      }
      uses = module.weightUses;
    }
    const direct = layout.blockSize === 1;
    return { module, weight, layout, entryCost: layout.blockSize * uses, offset, direct, masks: NO_MASKS };
  }

  private budgetGroups(): BudgetGroup[] {
    const maskedParameters = this.layers.reduce((n, layer) => n + layer.weight.values.length, 0);
    const totalParameters = this.model.trainables().reduce((n, t) => n + t.values.length, 0);
    const density = maskedDensity(
      this.method.sparsity,
      this.method.budgetScope,
      totalParameters,
      maskedParameters,
    );
    const shapes = this.layers.map((layer) => ({ dims: layer.module.weightDims }));
    const densities = tensorDensities(this.distribution, shapes, density);
    const group = (layers: MaskedLayer[], groupDensity: number): BudgetGroup => {
      const offset = layers[0].offset;
      const last = layers[layers.length - 1];
      const length = last.offset + last.layout.entries - offset;
      const unit = layers.every((layer) => layer.entryCost === 1);
      const costs = unit ? null : engine().heap.allocF32(length);
      let totalCost = 0;
      for (const layer of layers) {
        costs?.fill(layer.entryCost, layer.offset - offset, layer.offset - offset + layer.layout.entries);
        totalCost += layer.entryCost * layer.layout.entries;
      }
      return {
        layers,
        offset,
        length,
        costs,
        totalCost,
        density: groupDensity,
        arrays: null,
        solution: null,
      };
    };
    if (densities === null) return [group(this.layers, density)];
    return this.layers.map((layer, l) => group([layer], densities[l]));
  }

  /**
   * A group's entry arrays before the freeze; the masks of its 1×1 layers are views of them, a blocked layer
   * gets its own per-weight masks.
   */
  private allocateArrays(group: BudgetGroup): void {
    const { heap } = engine();
    const n = group.length;
    const arrays = {
      values: heap.allocF32(n),
      soft: heap.allocF32(n),
      effective: heap.allocF32(n),
      upstream: group.layers.every((layer) => layer.direct) ? null : heap.allocF32(n),
    };
    group.arrays = arrays;
    for (const layer of group.layers) {
      const at = layer.offset - group.offset;
      const view = (array: Float32Array) => array.subarray(at, at + layer.layout.entries);
      const costs = group.costs === null ? null : view(group.costs);
      const masks: WeightMasks = layer.direct
        ? {
            effective: view(arrays.effective),
            soft: view(arrays.soft),
            maskUpstream: null,
            implicit: { beta: Number.NaN, costs, weightedUpstream: 0 },
          }
        : unfrozenMasks(layer.weight.values.length);
      this.useMasks(layer, masks);
    }
  }

  private freeArrays(group: BudgetGroup): void {
    if (!group.arrays) return;
    const { heap } = engine();
    for (const array of Object.values(group.arrays)) if (array) heap.free(array);
    group.arrays = null;
  }

  /** Frees the masks and scratch a run that stopped before its end still holds (a finished run freed them). */
  dispose(): void {
    for (const layer of this.layers) if (layer.masks.maskUpstream && !layer.direct) freeMasks(layer.masks);
    for (const group of this.groups) this.freeArrays(group);
    this.releaseMasks();
    this.releaseScratch();
  }

  /** The solver's scratch and the groups' costs (once). */
  private releaseScratch(): void {
    if (this.released) return;
    const { heap } = engine();
    this.solver.dispose();
    for (const group of this.groups) if (group.costs) heap.free(group.costs);
    this.released = true;
  }
}

/**
 * A global budget ranks every masked entry together, so its hard mask can leave a layer no block at all, and a
 * sparse layer needs at least one (SparseWeight refuses an empty forward set). Before the freeze, each such
 * layer gets its block of largest value v' (ties to the lower index), at its soft value m, in place of the
 * kept block of least value (ties to the higher index) among the layers that keep more than one: the kept
 * block count stays exact. A layer alone in its group (uniform or ERK budgets) has nothing to trade with and
 * keeps the one block on top of its budget.
 */
function keepOneBlockPerLayer(group: BudgetGroup): void {
  const arrays = group.arrays!;
  const { values, soft, effective } = arrays;
  const span = (layer: MaskedLayer) => ({ at: layer.offset - group.offset, entries: layer.layout.entries });
  const kept = (layer: MaskedLayer) => {
    const { at, entries } = span(layer);
    let count = 0;
    for (let j = at; j < at + entries; j++) if (effective[j] !== 0) count++;
    return count;
  };
  for (const starved of group.layers.filter((layer) => kept(layer) === 0)) {
    const { at, entries } = span(starved);
    let best = at;
    for (let j = at + 1; j < at + entries; j++) if (values[j] > values[best]) best = j;
    let weakest = -1;
    for (const layer of group.layers) {
      if (kept(layer) < 2) continue;
      const range = span(layer);
      for (let j = range.at; j < range.at + range.entries; j++) {
        if (effective[j] !== 0 && (weakest < 0 || values[j] <= values[weakest])) weakest = j;
      }
    }
    if (weakest >= 0) effective[weakest] = 0;
    // A soft value that underflowed to 0 would leave the layer empty still: the smallest normal float32 then.
    effective[best] = Math.max(soft[best], 2 ** -126);
  }
  for (const layer of group.layers) {
    if (!layer.direct) layer.layout.broadcast(effective, span(layer).at, layer.masks.effective);
  }
}

/** A layer's masks until its group's arrays exist. */
const NO_MASKS: WeightMasks = {
  effective: new Float32Array(0),
  soft: new Float32Array(0),
  maskUpstream: null,
};

/** The controller's own per-weight masks of a layer before the freeze (heap arrays). */
function unfrozenMasks(n: number): WeightMasks {
  const { heap } = engine();
  return { effective: heap.allocF32(n), soft: heap.allocF32(n), maskUpstream: heap.allocF32(n) };
}

function freeMasks(masks: WeightMasks): void {
  const { heap } = engine();
  heap.free(masks.effective);
  heap.free(masks.soft);
  if (masks.maskUpstream) heap.free(masks.maskUpstream);
}

/** How many entries of a per-weight mask are non-zero. */
function keptCount(mask: Float32Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  return count;
}

/** Indices of the non-zero entries of a per-weight mask. */
function keptWeights(mask: Float32Array): Int32Array {
  const kept = new Int32Array(keptCount(mask));
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i] !== 0) kept[k++] = i;
  return kept;
}

/** The dense weight's optimizer state at the kept entries (ascending flat indices), in new heap arrays. */
function keptState(weight: Parameter, kept: Int32Array): Map<string, Float32Array> {
  const { heap } = engine();
  const state = new Map<string, Float32Array>();
  for (const key of weight.state.keys()) {
    const values = heap.allocF32(kept.length);
    const dense = weight.state.get(key) as Float32Array;
    for (let i = 0; i < kept.length; i++) values[i] = dense[kept[i]];
    state.set(key, values);
  }
  return state;
}

/** 1 − |a ∩ b| / |b| for ascending index lists (0 when b is empty). */
function changedFraction(a: Int32Array, b: Int32Array): number {
  return b.length === 0 ? 0 : 1 - overlap(a, b) / b.length;
}
