/**
 * Applies a training method to a model: chooses the layers a sparse method takes over (every sparsifiable
 * layer but those kept dense) and lets the method attach to them (TrainingMethod.createController), which
 * returns the controller that runs it through training (controller.ts).
 */
import type { Module } from '../nn/module.js';
import { allModules, isSparsifiable, type Sparsifiable } from '../nn/sparsifiable.js';
import type { ControllerOptions, MethodController, TrainingMethod } from './controller.js';

export interface SparsifyOptions<Controller extends MethodController = MethodController>
  extends ControllerOptions {
  method: TrainingMethod<Controller>;
  /**
   * Layers kept dense: names ('fc1'), 'first', 'last', or 'none'. Default ['first', 'last'], as in the paper's
   * ImageNet runs (biases and normalisation parameters are always dense).
   */
  denseLayers?: readonly string[];
}

/**
 * Makes the model's chosen layers sparse (or masked), in place, as the method says, and returns the controller
 * that runs the method through training. A method that is not sparse ('dense') leaves every layer dense.
 */
export function sparsify<Controller extends MethodController>(
  model: Module,
  options: SparsifyOptions<Controller>,
): Controller {
  const { method } = options;
  const chosen = layersToSparsify(model, options.denseLayers);
  if (!method.sparse) return method.createController(model, [], options);
  if (chosen.length === 0) {
    throw new Error(
      `method ${method.name} has no layer to make sparse: every layer is listed in --dense-layers; keep at least one sparse (e.g. --dense-layers none)`,
    );
  }
  return method.createController(model, chosen, options);
}

/**
 * The layers a sparse method makes sparse: every sparsifiable layer but those `denseLayers` (--dense-layers:
 * first, last, none or layer names; default first and last) keeps dense. Unknown names are an error.
 */
export function layersToSparsify(
  model: Module,
  denseLayers: readonly string[] = ['first', 'last'],
): (Module & Sparsifiable)[] {
  const candidates = allModules(model).filter(isSparsifiable);
  const keepDense = denseLayerNames(candidates, denseLayers);
  return candidates.filter((layer) => !keepDense.has(layer.name));
}

/** Resolves 'first', 'last' and names against the model's sparsifiable layers. */
function denseLayerNames(layers: readonly Sparsifiable[], requested: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const entry of requested) {
    if (entry === 'none') continue;
    if (entry === 'first' && layers.length > 0) names.add(layers[0].name);
    else if (entry === 'last' && layers.length > 0) names.add(layers[layers.length - 1].name);
    else if (layers.some((l) => l.name === entry)) names.add(entry);
    else {
      throw new Error(
        `--dense-layers: no layer is named '${entry}': use first, last, none, or one of ${layers.map((l) => l.name).join(', ')}`,
      );
    }
  }
  return names;
}
