import { add } from '../tensor/ops/add.js';
import { formatShape, Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import { checkPositiveInteger } from '../util/checks.js';
import { Random } from '../util/random.js';
import { Dropout } from './dropout.js';
import { Embedding, SparsifiableEmbedding } from './embedding.js';
import { LayerNorm } from './layerNorm.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { Sequential } from './sequential.js';
import { TiedOutput } from './tiedOutput.js';
import { transformerBlock } from './transformerBlock.js';

export interface TransformerOptions {
  /** Distinct token ids (characters). */
  vocab: number;
  layers: number;
  dModel: number;
  heads: number;
  /** The sequence length T every input has. */
  context: number;
  /** Use the token embedding as the output projection (default false: a separate Linear `head`). */
  tiedEmbeddings?: boolean;
  /** Dropout on the embeddings and on each residual branch (default 0). */
  dropout?: number;
  /** Let sparsity methods make the token embedding sparse (default false: it stays dense). */
  sparseEmbedding?: boolean;
  seed: number;
}

/**
 * A pre-norm decoder-only Transformer language model (GPT-2 style):
 *   h₀ = Dropout(E[tokens] + P[positions]),  h_l = Block_l(h_{l−1}),  logits = Head(LN(h_L)),
 * where Head is a Linear [vocab, dModel] or, tied, E itself (plus a bias).
 *
 * Input: token ids [T, B] (T = context; B sequences as columns, ids as exact float values, see the embedding
 * op). Every activation is [dModel, T·B] with column t·B + b, and the logits [vocab, T·B] line up with
 * next-token targets in the same order, so trainStep's softmax cross-entropy is the language-model loss
 * (its mean over tokens in nats; bits per character = loss / ln 2).
 *
 * Names: embedding, positions, block1 … blockL (each: ln1, attention.{query,key,value,output}, ln2,
 * mlp.{fc1,fc2}), final, head. Each part draws from Random(seed).fork(its name).
 */
export class Transformer implements Module {
  readonly options: Readonly<TransformerOptions>;
  readonly tokens: Embedding;
  readonly positions: Embedding;
  readonly blocks: Sequential;
  readonly finalNorm: LayerNorm;
  readonly head: Linear | TiedOutput;
  private readonly embeddingDropout: Dropout | null;
  /** Position ids [T, B] per batch size B, made once. */
  private readonly positionIds = new Map<number, Tensor>();

  constructor(options: TransformerOptions) {
    const { vocab, layers, dModel, heads, context, seed } = options;
    const dropout = options.dropout ?? 0;
    for (const [name, value] of Object.entries({ vocab, layers, dModel, heads, context })) {
      checkPositiveInteger(value, `transformer: ${name}`);
    }
    if (dModel % heads !== 0) {
      throw new Error(`transformer: ${heads} heads do not divide d_model ${dModel}; pick a divisor`);
    }
    this.options = { ...options };
    const random = new Random(seed);
    const TokenEmbedding = options.sparseEmbedding ? SparsifiableEmbedding : Embedding;
    this.tokens = new TokenEmbedding({
      vocab,
      dim: dModel,
      name: 'embedding',
      random: random.fork('embedding'),
    });
    this.positions = new Embedding({
      vocab: context,
      dim: dModel,
      name: 'positions',
      random: random.fork('positions'),
    });
    this.embeddingDropout =
      dropout > 0
        ? new Dropout({ rate: dropout, seed: random.fork('embedding.dropout').nextUint32() })
        : null;
    const blocks: Module[] = [];
    for (let l = 1; l <= layers; l++) {
      const name = `block${l}`;
      blocks.push(transformerBlock({ name, dModel, heads, context, dropout, random: random.fork(name) }));
    }
    this.blocks = new Sequential(blocks);
    this.finalNorm = new LayerNorm({ name: 'final', features: dModel });
    this.head = options.tiedEmbeddings
      ? new TiedOutput(this.tokens, 'head')
      : new Linear({
          inputs: dModel,
          outputs: vocab,
          init: 'glorot',
          random: random.fork('head'),
          name: 'head',
        });
  }

  /** Logits [vocab, T·B] for token ids [T, B]. */
  forward(tokens: Tensor): Tensor {
    const { context } = this.options;
    if (tokens.shape.length !== 2 || tokens.shape[0] !== context) {
      throw new Error(
        `transformer: expects token ids [context, batch] = [${context}, B], got ${formatShape(tokens.shape)}`,
      );
    }
    let h = add(this.tokens.forward(tokens), this.positions.forward(this.positionIdsFor(tokens.shape[1])));
    if (this.embeddingDropout) h = this.embeddingDropout.forward(h);
    return this.head.forward(this.finalNorm.forward(this.blocks.forward(h)));
  }

  children(): readonly Module[] {
    const dropout = this.embeddingDropout ? [this.embeddingDropout] : [];
    return [this.tokens, this.positions, ...dropout, this.blocks, this.finalNorm, this.head];
  }

  trainables(): Trainable[] {
    return this.children().flatMap((module) => module.trainables());
  }

  parameterCount(): number {
    return this.children().reduce((count, module) => count + module.parameterCount(), 0);
  }

  dispose(): void {
    for (const module of this.children()) module.dispose?.();
    for (const ids of this.positionIds.values()) ids.dispose();
    this.positionIds.clear();
  }

  private positionIdsFor(batch: number): Tensor {
    let ids = this.positionIds.get(batch);
    if (!ids) {
      const { context } = this.options;
      ids = Tensor.zeros([context, batch]);
      for (let t = 0; t < context; t++) ids.data.fill(t, t * batch, (t + 1) * batch);
      this.positionIds.set(batch, ids);
    }
    return ids;
  }
}

/** Builds a Transformer language model (see Transformer). */
export function transformer(options: TransformerOptions): Transformer {
  return new Transformer(options);
}
