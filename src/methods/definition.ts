/**
 * A method as a self-describing definition (../../shared/DESIGN.md, "Sparsity methods"): its name, a one-line
 * description, the options it reads and how to create it from their values. Everything else is derived from
 * the definitions in the registry (registry.ts): the CLI flags of `train` and `compare` and their --help, the
 * run config's method keys, their schema entries and the checks of which method takes which flag
 * (src/run/trainConfig.ts, src/run/configSchema.ts), the summary's method settings (the created method's
 * `config`, keyed by the same option keys) and rebuilding a method from a saved config (methodFromConfig).
 *
 * An option (`option`) is declared once, where it belongs: options several methods read (sparsity, refresh
 * interval, distribution, dense layers, entering state) in commonOptions.ts, the others in their method's
 * file. A method lists the options it reads (`reads`), each with the method's own default.
 *
 * Two kinds of default, so that a run config holds what was given and what depends on the run:
 * - `default`: the method's own value when the option is not given, a constant or a function of the other
 *   options (Top-KAST's backward sparsity of its forward sparsity); applied when the method is created, so it
 *   shows in the method's `config` (the summary's `sparsity.config`) and not in the run config;
 * - `runDefault`: a value that depends on the run (its model kind, optimizer), written into the run config
 *   when the flag is not given (Spartan's β_target by model); undefined falls back to `default`.
 */
import type { z } from 'zod';
import type { TrainingMethod } from './controller.js';

/** What an option's value may be. */
export type OptionValue = number | string | boolean | readonly string[];

/** The model kinds a run may train. */
export type ModelKind = 'mlp' | 'cnn' | 'transformer';

/** What a run-dependent default may read. */
export interface RunContext {
  readonly model: ModelKind;
  readonly optimizer: 'sgd' | 'adamw';
  /** A transformer whose token embedding is also its output projection. */
  readonly tied: boolean;
}

/** One option: its config key, flag, help, value kind and, for run-wide ones, their run default. */
export interface MethodOption<K extends string = string, T extends OptionValue = OptionValue> {
  /** The key in the run config, in the method's `config` and in what `create` receives. */
  readonly key: K;
  /** The flag with its argument, e.g. '--bwd-sparsity <s>'. */
  readonly flag: string;
  /** One line for --help, without the default (derived from the methods that read it). */
  readonly help: string;
  /** What it is, for the error refusing it with a method that does not read it: "Top-KAST's backward set". */
  readonly what: string;
  /** Text → value, or an OptionValueError saying what was expected (optionKinds.ts). */
  readonly parse: (text: string) => T;
  /** The allowed values of a choice (the CLI lists them). */
  readonly choices?: readonly string[];
  /** The value's type and range in a run config. */
  readonly schema: z.ZodType<T>;
  /**
   * A run-wide setting, accepted (and recorded in the run config) with every method, read or not (sparsity,
   * refresh interval, distribution, dense layers). Otherwise a method that does not read it refuses it.
   */
  readonly everyMethod?: boolean;
  /** The run config's value when the flag is not given, for every method (read or not). */
  readonly runDefault?: (run: RunContext) => T | undefined;
  /**
   * The value with a method that does not read it, and the problem of a given value other than that, naming the
   * fix (sparsity: 0, and `--sparsity 0.9 with --method dense: ...`).
   */
  readonly unread?: { readonly value: T; problem(value: T, method: string): string };
  /** --help's text for the default where it is not a value of the methods (e.g. dense layers by model). */
  readonly defaultText?: string;
  /**
   * Set per run of a comparison's grid, whose runs vary the sparsity: `topkast compare` offers no flag for it
   * (the sparsity itself, from --sparsities; Top-KAST's backward sparsity, which follows it).
   */
  readonly variesInGrid?: boolean;
}

/** The values a method's options hold when it is created (given, run default or the method's default). */
export type MethodSettings = Readonly<Record<string, OptionValue | undefined>>;

/** One option as a method reads it, with the method's defaults. */
export interface OptionUse<K extends string = string, T extends OptionValue = OptionValue> {
  readonly option: MethodOption<K, T>;
  /** The method's own value when not given: a constant, or a function of the options before it. */
  readonly default?: T | ((settings: MethodSettings) => T);
  /** A run-dependent default written into the run config; undefined: `default`. */
  readonly runDefault?: (run: RunContext) => T | undefined;
  /** --help's text for this method's default, where `default` is a function. */
  readonly defaultText?: string;
}

/** The values of options, by key. */
export type ValuesOf<O extends readonly MethodOption[]> = {
  readonly [E in O[number] as E['key']]: ReturnType<E['parse']>;
};

/** The values `create` receives, typed from the options read (undefined: not given and no default). */
export type SettingsOf<U extends readonly OptionUse[]> = {
  readonly [E in U[number] as E['option']['key']]: ReturnType<E['option']['parse']>;
};

export interface MethodDefinition<M extends TrainingMethod = TrainingMethod> {
  /** The registry name, `--method NAME`. */
  readonly name: string;
  /** One line, for --help and the README. */
  readonly description: string;
  /** Set-based (A ⊆ B index sets, the controller of controller.ts) or a soft mask over dense weights. */
  readonly kind: 'sets' | 'soft-mask';
  /** The options it reads, in the order its config lists them. */
  readonly reads: readonly OptionUse[];
  /** The method from its settings (every option it reads, defaults filled). */
  readonly create: (settings: MethodSettings) => M;
}

/** An option, declared once (its key, flag, help, kind). */
export function option<const K extends string, T extends OptionValue>(
  spec: MethodOption<K, T>,
): MethodOption<K, T> {
  return spec;
}

/** An option as a method reads it, with the method's defaults. */
export function reads<O extends MethodOption>(
  option: O,
  defaults: Omit<OptionUse<O['key'], ReturnType<O['parse']>>, 'option'> = {},
): OptionUse<O['key'], ReturnType<O['parse']>> & { readonly option: O } {
  return { option, ...defaults } as OptionUse<O['key'], ReturnType<O['parse']>> & { readonly option: O };
}

/**
 * A method definition, with `create` typed by the options it reads. Refuses an option listed twice.
 */
export function defineMethod<const U extends readonly OptionUse[], M extends TrainingMethod>(definition: {
  readonly name: string;
  readonly description: string;
  readonly kind: 'sets' | 'soft-mask';
  readonly reads: U;
  readonly create: (settings: SettingsOf<U>) => M;
}): MethodDefinition<M> & { readonly reads: U } {
  const keys = definition.reads.map((use) => use.option.key);
  const repeated = keys.find((key, i) => keys.indexOf(key) !== i);
  if (repeated !== undefined) {
    throw new Error(`method ${definition.name} reads option ${repeated} twice: list it once`);
  }
  return definition as unknown as MethodDefinition<M> & { readonly reads: U };
}

/**
 * The settings `create` receives from what was given: each option the method reads, given or else its default
 * (a function default sees the options before it). Options it does not read are left out.
 */
export function settingsFor(definition: MethodDefinition, given: MethodSettings): MethodSettings {
  const settings: Record<string, OptionValue | undefined> = {};
  for (const use of definition.reads) {
    const { key } = use.option;
    const fallback = typeof use.default === 'function' ? use.default(settings) : use.default;
    settings[key] = given[key] ?? fallback;
  }
  return settings;
}
