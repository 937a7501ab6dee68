import { describeProblem, schemaProblem, trainConfigSchema } from '../run/configSchema.js';
import { resolveTrainConfig, type TrainConfig, trainFlagsOf } from '../run/trainConfig.js';
import { escapeControl, quoteValue } from '../util/safeText.js';

/**
 * A run config read back from a checkpoint or export: checked against the config schema (every key known,
 * every value of its type and in its range; src/run/configSchema.ts), then rebuilt the way the CLI builds one
 * (resolveTrainConfig), so it has the same defaults, the same checks of combinations and the same key order as
 * the config of the run that saved it (a resumed run's summary is then byte-identical to the uninterrupted
 * run's); a config that resolves to anything else (momentum beside AdamW, a default changed) is refused too.
 * Errors name `source` and the field. A key an earlier version wrote under another name is read under its
 * name now (renamedKeys).
 */
export function savedTrainConfig(written: unknown, source: string): TrainConfig {
  const saved = renamedKeys(written);
  const problem = schemaProblem(trainConfigSchema(), saved);
  if (problem) {
    throw new Error(
      `${escapeControl(source)}: its run config is not valid: ${describeProblem('config', problem)}`,
    );
  }
  let resolved: TrainConfig;
  try {
    resolved = resolveTrainConfig(trainFlagsOf(saved as TrainConfig));
  } catch (error) {
    throw new Error(`${escapeControl(source)}: its run config is not valid: ${(error as Error).message}`);
  }
  const given = saved as Readonly<Record<string, unknown>>;
  for (const [key, value] of Object.entries(resolved)) {
    if (JSON.stringify(value) !== JSON.stringify(given[key])) {
      throw new Error(
        `${escapeControl(source)}: its run config is not valid: config.${key} is ${quoteValue(given[key] ?? null)} but the rest of the config gives ${quoteValue(value ?? null)} (not a config topkast writes)`,
      );
    }
  }
  return resolved;
}

/** Config keys renamed since, by their old name: Spartan's solver was `softTopK` in configs of 0e52e69 and before. */
const renamed: Readonly<Record<string, string>> = { softTopK: 'solver' };

/** The config with each old key under its new name (in the same place), unless the new one is there too. */
function renamedKeys(config: unknown): unknown {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return config;
  const entries = Object.entries(config);
  const newName = (key: string) => (Object.hasOwn(renamed, key) ? renamed[key] : undefined);
  if (!entries.some(([key]) => newName(key) !== undefined && !Object.hasOwn(config, newName(key)!)))
    return config;
  return Object.fromEntries(entries.map(([key, value]) => [newName(key) ?? key, value]));
}
