/**
 * The method registry: the list of method definitions (definition.ts), and lookups by name. A new method is
 * one new file exporting its definition plus one line in `methodDefinitions`; a library user adds one with
 * `registerMethod`. The CLI flags, the run config, --help and saved configs are derived from this list.
 */
import { commonOptions, sparsity } from './commonOptions.js';
import type { TrainingMethod } from './controller.js';
import { type MethodDefinition, type MethodOption, type MethodSettings, settingsFor } from './definition.js';
import { denseDefinition } from './dense.js';
import { gmpDefinition } from './gmp.js';
import { riglDefinition } from './rigl.js';
import { setDefinition } from './set.js';
import type { SetBasedMethod } from './setBasedMethod.js';
import { spartanDefinition } from './spartan.js';
import { staticDefinition } from './static.js';
import { steDefinition } from './ste.js';
import { topkastDefinition } from './topkast.js';

export { defaultBackwardSparsity } from './topkast.js';

/** The built-in methods, in the order --help lists them. */
export const builtInDefinitions = [
  denseDefinition,
  staticDefinition,
  topkastDefinition,
  gmpDefinition,
  steDefinition,
  setDefinition,
  riglDefinition,
  spartanDefinition,
] as const;

/** Every method a run may use: the built-in ones, then those registered. */
export const methodDefinitions: MethodDefinition[] = [...builtInDefinitions];

/**
 * Adds a method for every later lookup (CLI flags, configs, summaries): its name must be new, and an option it
 * shares with another method must be the same declared option (commonOptions.ts), not a second one.
 */
export function registerMethod(definition: MethodDefinition): void {
  if (methodDefinitions.some((known) => known.name === definition.name)) {
    throw new Error(`a method named ${definition.name} is registered already: choose another name`);
  }
  const byKey = new Map(allOptions().map((option) => [option.key, option]));
  const byFlag = new Map(allOptions().map((option) => [option.flag.split(' ')[0], option]));
  for (const { option } of definition.reads) {
    const sameKey = byKey.get(option.key);
    const sameFlag = byFlag.get(option.flag.split(' ')[0]);
    if ((sameKey && sameKey !== option) || (sameFlag && sameFlag !== option)) {
      throw new Error(
        `method ${definition.name}: its option ${option.key} (${option.flag}) is declared again: read the existing option, or give it another key and flag`,
      );
    }
  }
  methodDefinitions.push(definition);
}

/** The definition of `name`; unknown names are an error that lists the known ones. */
export function methodDefinition(name: string): MethodDefinition {
  const definition = methodDefinitions.find((known) => known.name === name);
  if (!definition)
    throw new Error(`unknown method '${name}': use one of ${trainingMethodNames().join(', ')}`);
  return definition;
}

/** The set-based methods' names (method.ts), in registration order. */
export function methodNames(): string[] {
  return methodDefinitions.filter((d) => d.kind === 'sets').map((d) => d.name);
}

/** Every method a run may use: the set-based ones and the soft-mask ones (Spartan). */
export function trainingMethodNames(): string[] {
  return methodDefinitions.map((d) => d.name);
}

/**
 * Every option a method reads, each once: the common ones first (commonOptions.ts), then each method's own in
 * registry order. The order of the run config's method keys.
 */
export function allOptions(): MethodOption[] {
  const options: MethodOption[] = [...commonOptions];
  for (const definition of methodDefinitions) {
    for (const { option } of definition.reads) if (!options.includes(option)) options.push(option);
  }
  return options;
}

/** The names of the methods that read `option`. */
export function readersOf(option: MethodOption): string[] {
  return methodDefinitions.filter((d) => d.reads.some((use) => use.option === option)).map((d) => d.name);
}

/** Whether the method makes layers sparse, i.e. reads the sparsity (dense does not). */
export function readsSparsity(name: string): boolean {
  return readersOf(sparsity).includes(name);
}

/** Options the methods read, as the common options (from a run config, flags or a library caller). */
export type MethodOptions = MethodSettings;

/**
 * Builds any method a run may use from the options given (the ones it does not read are ignored; those not
 * given take the method's defaults).
 */
export function createTrainingMethod(name: string, options: MethodOptions): TrainingMethod {
  const definition = methodDefinition(name);
  return definition.create(settingsFor(definition, options));
}

/** Builds the named set-based method (method.ts). */
export function createMethod(name: string, options: MethodOptions): SetBasedMethod {
  const definition = methodDefinition(name);
  if (definition.kind !== 'sets') {
    throw new Error(
      `${name} is not a set-based method: use createTrainingMethod, or one of ${methodNames().join(', ')}`,
    );
  }
  return definition.create(settingsFor(definition, options)) as SetBasedMethod;
}

/**
 * Rebuilds a method from its name and `config` (a run summary's or a checkpoint's), which holds the keys of the
 * options it reads, each value of its option's kind; another key or value is an error naming it.
 */
export function methodFromConfig(name: string, config: Readonly<Record<string, unknown>>): TrainingMethod {
  const definition = methodDefinition(name);
  const options = new Map(definition.reads.map((use) => [use.option.key, use.option]));
  const unknown = Object.keys(config).filter((key) => !options.has(key));
  if (unknown.length > 0) {
    throw new Error(
      `method ${name}: unknown option(s) ${unknown.join(', ')} in its config: use ${[...options.keys()].join(', ')}`,
    );
  }
  for (const [key, value] of Object.entries(config)) {
    const checked = options.get(key)?.schema.safeParse(value);
    if (checked && !checked.success) {
      throw new Error(
        `method ${name}: its config's ${key} is ${JSON.stringify(value)}: ${checked.error.issues[0]?.message}`,
      );
    }
  }
  return definition.create(settingsFor(definition, config as MethodSettings));
}
