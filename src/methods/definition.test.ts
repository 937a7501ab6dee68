import { describe, expect, it } from 'vitest';
import { commonOptions, refreshInterval, sparsity } from './commonOptions.js';
import { defineMethod, reads, settingsFor } from './definition.js';
import { Dense } from './dense.js';
import { GradualMagnitudePruning } from './gmp.js';
import {
  allOptions,
  builtInDefinitions,
  createTrainingMethod,
  methodDefinition,
  methodFromConfig,
  readersOf,
  registerMethod,
} from './registry.js';
import { RigL } from './rigl.js';
import { SparseEvolutionaryTraining } from './set.js';
import { Spartan } from './spartan.js';
import { StaticSparse } from './static.js';
import { StraightThrough } from './ste.js';
import { defaultBackwardSparsity, TopKast } from './topkast.js';

/** Each built-in method built directly, with its class's own defaults. */
const direct = {
  dense: () => new Dense(),
  static: (s: number) => new StaticSparse({ sparsity: s }),
  topkast: (s: number) => new TopKast({ forwardSparsity: s, backwardSparsity: defaultBackwardSparsity(s) }),
  gmp: (s: number) => new GradualMagnitudePruning({ sparsity: s }),
  ste: (s: number) => new StraightThrough({ sparsity: s }),
  set: (s: number) => new SparseEvolutionaryTraining({ sparsity: s }),
  rigl: (s: number) => new RigL({ sparsity: s }),
  spartan: (s: number) => new Spartan({ sparsity: s }),
} as const;

describe('method definitions', () => {
  it.each(builtInDefinitions.map((d) => d.name))(
    '%s: its defaults are its class’s, and its config holds the keys of the options it reads',
    (name) => {
      for (const s of [0.8, 0.9, 0.95]) {
        const created = createTrainingMethod(name, { sparsity: s });
        const built = direct[name as keyof typeof direct](s);
        expect(created.constructor).toBe(built.constructor);
        expect(created.config).toEqual(built.config);
        const keys = methodDefinition(name).reads.map((use) => use.option.key);
        expect(Object.keys(created.config).filter((key) => !keys.includes(key))).toEqual([]);
        expect(methodFromConfig(name, created.config).config).toEqual(created.config);
      }
    },
  );

  it("Top-KAST's backward sparsity defaults to the paper's pairing of its forward sparsity", () => {
    const config = (s: number) => createTrainingMethod('topkast', { sparsity: s }).config;
    expect([0.8, 0.9, 0.95, 0.75].map((s) => config(s).backwardSparsity)).toEqual([0.5, 0.8, 0.9, 0.5]);
    expect(config(0.9)).toMatchObject({ refreshInterval: 100, penalty: 1e-4, explorationScale: 1 });
    expect(
      createTrainingMethod('topkast', { sparsity: 0.9, backwardSparsity: 0.6 }).config.backwardSparsity,
    ).toBe(0.6);
  });

  it('rebuilds a method from a config only with keys it reads, each value of its kind', () => {
    expect(() => methodFromConfig('static', { sparsity: 0.9, penalty: 1 })).toThrow(
      'method static: unknown option(s) penalty in its config: use sparsity',
    );
    expect(() => methodFromConfig('topkast', { sparsity: 0.9, penalty: 'high' })).toThrow(
      'method topkast: its config\'s penalty is "high": Invalid input: expected number, received string',
    );
  });

  it('declares each option once: the common ones first, each key and flag of one option', () => {
    const options = allOptions();
    expect(options.slice(0, commonOptions.length)).toEqual(commonOptions);
    expect(new Set(options.map((o) => o.key)).size).toBe(options.length);
    expect(new Set(options.map((o) => o.flag.split(' ')[0])).size).toBe(options.length);
    expect(readersOf(refreshInterval)).toEqual(['topkast', 'gmp', 'ste', 'set', 'rigl']);
    expect(readersOf(sparsity)).toEqual(['static', 'topkast', 'gmp', 'ste', 'set', 'rigl', 'spartan']);
  });

  it('fills what a method reads from what is given, then its defaults, in its order', () => {
    const topkast = methodDefinition('topkast');
    expect(settingsFor(topkast, { sparsity: 0.95, penalty: 0, dropFraction: 0.5 })).toEqual({
      sparsity: 0.95,
      backwardSparsity: 0.9,
      refreshInterval: 100,
      penalty: 0,
      explorationScale: 1,
      enteringState: 'zero',
    });
  });

  it('refuses a method read twice, a name taken, and a second option under a key or flag taken', () => {
    const toy = (name: string, option = sparsity) => ({
      name,
      description: 'a test',
      kind: 'sets' as const,
      reads: [reads(option)],
      create: () => new Dense(),
    });
    expect(() => defineMethod({ ...toy('twice'), reads: [reads(sparsity), reads(sparsity)] })).toThrow(
      'method twice reads option sparsity twice: list it once',
    );
    expect(() => registerMethod(defineMethod(toy('topkast')))).toThrow(
      'a method named topkast is registered already: choose another name',
    );
    expect(() => registerMethod(defineMethod(toy('copy', { ...sparsity })))).toThrow(
      'method copy: its option sparsity (--sparsity <s>) is declared again',
    );
  });
});
