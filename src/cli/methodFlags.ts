/**
 * The method flags of `topkast train` and `topkast compare`, derived from the method definitions
 * (src/methods/registry.ts): one flag per option, its value parsed by the option's kind, stored under the
 * option's config key, with --help's default derived from the methods that read it.
 */
import { Option } from 'commander';
import type { MethodDefinition, MethodOption, OptionValue, RunContext } from '../methods/definition.js';
import { allOptions, methodDefinitions } from '../methods/registry.js';
import { modelNames, optimizerNames } from '../run/configSchema.js';
import { cliParser } from './parsers.js';

/** A flag whose value is stored under a config key (`--bwd-sparsity` → `backwardSparsity`). */
export class ConfigKeyOption extends Option {
  constructor(
    flags: string,
    description: string,
    readonly key: string,
  ) {
    super(flags, description);
  }

  override attributeName(): string {
    return this.key;
  }
}

/**
 * The flags of every registered method's options; `grid`: for `compare`, whose runs vary the sparsity (options
 * that vary with it are left out).
 */
export function methodFlags(grid: boolean): Option[] {
  return allOptions()
    .filter((option) => !(grid && option.variesInGrid))
    .map((option) => {
      const flag = new ConfigKeyOption(
        option.flag,
        `${option.help} (default: ${describeDefault(option)})`,
        option.key,
      );
      return option.choices ? flag.choices(option.choices) : flag.argParser(cliParser(option.parse));
    });
}

/** --method's help: each method's name and description. */
export function describeMethods(): string {
  return methodDefinitions.map((d) => `${d.name} (${d.description})`).join('; ');
}

/**
 * The default of an option for --help: one text when every method that takes it has the same, else per method
 * ("topkast: 1 with adamw, 100 with sgd; ste: 1; others: 100"), the largest group last as "others".
 */
export function describeDefault(option: MethodOption): string {
  if (option.defaultText !== undefined) return option.defaultText;
  const groups = new Map<string, string[]>();
  for (const definition of methodDefinitions) {
    const text = methodDefault(option, definition);
    if (text !== undefined) groups.set(text, [...(groups.get(text) ?? []), definition.name]);
  }
  if (groups.size === 1) return [...groups.keys()][0];
  const byCount = [...groups].sort((a, b) => a[1].length - b[1].length);
  return byCount
    .map(([text, names], i) => `${i === byCount.length - 1 ? 'others' : names.join(', ')}: ${text}`)
    .join('; ');
}

/** What the option defaults to with this method, as text; undefined where the method does not take it. */
function methodDefault(option: MethodOption, definition: MethodDefinition): string | undefined {
  const use = definition.reads.find((read) => read.option === option);
  if (!use) return option.everyMethod && !option.unread ? valuesByRun(option.runDefault) : undefined;
  if (use.defaultText !== undefined) return use.defaultText;
  const constant = typeof use.default === 'function' ? undefined : use.default;
  return valuesByRun((run) => use.runDefault?.(run) ?? option.runDefault?.(run) ?? constant);
}

/** A run-dependent value as text: one value, or by model ("mlp 100, cnn 10, transformer 20") or optimizer. */
function valuesByRun(value: ((run: RunContext) => OptionValue | undefined) | undefined): string | undefined {
  if (!value) return undefined;
  const runs = modelNames.flatMap((model) =>
    optimizerNames.map((optimizer) => ({ model, optimizer, tied: false }) as const),
  );
  const text = (run: RunContext) => {
    const v = value(run);
    return v === undefined ? undefined : String(v);
  };
  const texts = runs.map(text);
  if (texts.every((t) => t === texts[0])) return texts[0];
  const perModel = modelNames.map((model) => text({ model, optimizer: 'sgd', tied: false }));
  if (runs.every((run) => text(run) === perModel[modelNames.indexOf(run.model)])) {
    return modelNames.map((model, i) => `${model} ${perModel[i]}`).join(', ');
  }
  return optimizerNames
    .map((optimizer) => `${text({ model: 'mlp', optimizer, tied: false })} with ${optimizer}`)
    .join(', ');
}
