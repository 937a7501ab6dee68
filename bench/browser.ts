/**
 * The library in a browser: the size a page pays for it (the main entry bundled by Vite for the browser,
 * minified, every export kept, gzip level 9; target ≤ 150 kB), and the same training step in headless Chromium
 * and in Node (target: Chromium within 15% of Node). The step is the consumer page's (examples/browser/page:
 * Top-KAST 90%/80% on an MLP, AdamW, batch 64, on the shipped Fashion-MNIST subset, one thread in both), timed
 * by fit per step; Node and Chromium runs alternate, and the ratio of their medians is reported per round.
 * Chromium is Debian's /usr/bin/chromium: without it the step comparison is skipped with a printed reason.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForBrowser } from '../examples/browser/bundle.js';
import {
  buildConsumerPage,
  CHROMIUM,
  hasChromium,
  runConsumerPage,
} from '../examples/browser/consumerPage.js';
import { trainOnSubset } from '../examples/browser/page/training.js';
import { loadFashionMnistSubset } from '../src/data/registry.js';
import { median } from '../src/train/median.js';

const root = join(import.meta.dirname, '..', '..');
const HIDDEN = [1024, 1024];
const STEPS = 120;
const ROUNDS = 3;

export interface BrowserBench {
  readonly bundle: { readonly mainGzipBytes: number; readonly portableGzipBytes: number };
  readonly step:
    | {
        readonly model: string;
        readonly nodeBackend: string;
        readonly chromiumBackend: string;
        readonly nodeMs: number[];
        readonly chromiumMs: number[];
        /** Chromium's median step over Node's, per round. */
        readonly ratios: number[];
      }
    | { readonly skipped: string };
}

export async function benchBrowser(): Promise<BrowserBench> {
  const main = await bundleForBrowser(join(root, 'src', 'index.ts'));
  const portable = await bundleForBrowser(join(root, 'src', 'portable.ts'));
  const bundle = { mainGzipBytes: main.gzipBytes, portableGzipBytes: portable.gzipBytes };
  if (!hasChromium())
    return { bundle, step: { skipped: `${CHROMIUM} is missing (apt-get install chromium)` } };
  const dir = mkdtempSync(join(tmpdir(), 'topkast-bench-browser-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'topkast'));
    const built = await buildConsumerPage(dir);
    const dataset = loadFashionMnistSubset();
    const nodeMs: number[] = [];
    const chromiumMs: number[] = [];
    let nodeBackend = '';
    let chromiumBackend = '';
    for (let round = 0; round < ROUNDS; round++) {
      const inNode = trainOnSubset(dataset, STEPS, HIDDEN);
      nodeMs.push(median(inNode.stepMs));
      nodeBackend = inNode.backend;
      const inPage = await runConsumerPage(built, STEPS, { hidden: HIDDEN, timeoutMs: 300_000 });
      if (inPage.errors.length > 0) throw new Error(`the page failed: ${inPage.errors.join('; ')}`);
      chromiumMs.push(median(inPage.run.stepMs));
      chromiumBackend = inPage.run.backend;
    }
    return {
      bundle,
      step: {
        model: `mlp 784-${HIDDEN.join('-')}-10, Top-KAST 90%/80%, AdamW, batch 64, ${STEPS} steps`,
        nodeBackend,
        chromiumBackend,
        nodeMs,
        chromiumMs,
        ratios: chromiumMs.map((ms, i) => ms / nodeMs[i]!),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
