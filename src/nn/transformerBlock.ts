import type { Random } from '../util/random.js';
import { GELU } from './activations.js';
import { CausalSelfAttention } from './attention.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layerNorm.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { Residual } from './residual.js';
import { Sequential } from './sequential.js';

export interface TransformerBlockOptions {
  /** Prefix of every trainable: `${name}.ln1`, `${name}.attention.query`, `${name}.mlp.fc1`, ... */
  name: string;
  dModel: number;
  heads: number;
  context: number;
  /** Dropout rate on each residual branch's output (0: no Dropout modules). */
  dropout: number;
  random: Random;
}

/**
 * A pre-norm decoder block (GPT-2, Radford et al. 2019; Xiong et al. 2020):
 *   x ← x + Dropout(Attention(LN₁(x))),   x ← x + Dropout(W₂ · GELU(W₁ · LN₂(x))),
 * with the feed-forward hidden width 4·dModel. Every weight matrix is a Linear, so sparsifiable.
 */
export function transformerBlock(options: TransformerBlockOptions): Sequential {
  const { name, dModel, heads, context, dropout, random } = options;
  const branchDropout = (part: string): Module[] =>
    dropout > 0 ? [new Dropout({ rate: dropout, seed: random.fork(`${part}.dropout`).nextUint32() })] : [];
  const attention = new Residual(
    new Sequential([
      new LayerNorm({ name: `${name}.ln1`, features: dModel }),
      new CausalSelfAttention({
        name: `${name}.attention`,
        dModel,
        heads,
        context,
        random: random.fork('attention'),
      }),
      ...branchDropout('attention'),
    ]),
  );
  const hidden = 4 * dModel;
  const mlp = new Residual(
    new Sequential([
      new LayerNorm({ name: `${name}.ln2`, features: dModel }),
      new Linear({
        inputs: dModel,
        outputs: hidden,
        init: 'glorot',
        random: random.fork('fc1'),
        name: `${name}.mlp.fc1`,
      }),
      new GELU(),
      new Linear({
        inputs: hidden,
        outputs: dModel,
        init: 'glorot',
        random: random.fork('fc2'),
        name: `${name}.mlp.fc2`,
      }),
      ...branchDropout('mlp'),
    ]),
  );
  return new Sequential([attention, mlp]);
}
