/**
 * Text datasets for character-level language modelling: a separate kind from the image datasets (dataset.ts),
 * which are labelled examples. A text dataset is one long sequence of token ids cut into contiguous splits,
 * with the vocabulary that maps ids back to characters; batching (textBatches.ts) cuts windows from a split
 * and pairs every position with the next character as its target.
 */

/** Fractions of the text for train, validation and test, taken as contiguous ranges in that order. */
export const TEXT_SPLITS = { train: 0.9, validation: 0.05, test: 0.05 } as const;

export interface TextDataset {
  /** The name the registry uses, e.g. 'austen'. */
  readonly name: string;
  /** The distinct characters (Unicode code points) of the whole text, sorted by code point; id = index. */
  readonly vocabulary: readonly string[];
  /** Token ids of the first 90% of the text. */
  readonly train: Uint8Array;
  /** The next 5%. */
  readonly validation: Uint8Array;
  /** The last 5%. */
  readonly test: Uint8Array;
}

/** Builds a dataset from the whole text: vocabulary, ids, and the 90/5/5 contiguous split (TEXT_SPLITS). */
export function buildTextDataset(name: string, text: string): TextDataset {
  const vocabulary = [...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const ids = encodeText(text, vocabulary);
  const trainEnd = Math.round(ids.length * TEXT_SPLITS.train);
  const validationEnd = Math.round(ids.length * (TEXT_SPLITS.train + TEXT_SPLITS.validation));
  return {
    name,
    vocabulary,
    train: ids.subarray(0, trainEnd),
    validation: ids.subarray(trainEnd, validationEnd),
    test: ids.subarray(validationEnd),
  };
}

/** The ids of text's characters (code points) in a vocabulary of at most 256 characters. */
export function encodeText(text: string, vocabulary: readonly string[]): Uint8Array {
  if (vocabulary.length > 256) {
    throw new Error(`encodeText: ${vocabulary.length} distinct characters do not fit byte ids (at most 256)`);
  }
  const idOf = new Map(vocabulary.map((character, id) => [character, id]));
  const characters = [...text];
  const ids = new Uint8Array(characters.length);
  characters.forEach((character, i) => {
    const id = idOf.get(character);
    if (id === undefined) {
      throw new Error(
        `encodeText: character ${JSON.stringify(character)} at ${i} is not in the vocabulary; use only the dataset's characters`,
      );
    }
    ids[i] = id;
  });
  return ids;
}

/** The text of token ids. */
export function decodeTokens(ids: ArrayLike<number>, vocabulary: readonly string[]): string {
  return Array.from(ids, (id) => vocabulary[id]).join('');
}

/** Bits per character of a mean cross-entropy in nats per character: BPC = loss / ln 2. */
export function bitsPerCharacter(loss: number): number {
  return loss / Math.LN2;
}
