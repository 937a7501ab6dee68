/**
 * The main entry, `topkast/portable` and `topkast/browser` are platform-neutral: bundled for the browser they import no Node
 * built-in (at module load or later), and the main entry stays within the size a page can afford (every export
 * kept, as a library build keeps them; a page's own bundle keeps only what it uses). `topkast/node` is where
 * the Node-only parts went.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from './bundle.js';

const src = join(import.meta.dirname, '..', '..', 'src');

describe('the browser bundle', () => {
  it('of the main entry imports no Node built-in, and is at most 150 kB gzipped', async () => {
    const bundle = await bundleForBrowser(join(src, 'index.ts'));
    expect(bundle.nodeImports).toEqual([]);
    expect(bundle.code).toContain('fashionMnistSubset');
    expect(bundle.gzipBytes).toBeGreaterThan(50_000);
    expect(bundle.gzipBytes).toBeLessThanOrEqual(150_000);
  });

  it('of topkast/portable (ONNX, TensorFlow.js) imports no Node built-in either', async () => {
    const bundle = await bundleForBrowser(join(src, 'portable.ts'));
    expect(bundle.nodeImports).toEqual([]);
    expect(bundle.code).toContain('onnx');
  });

  it('of topkast/browser (the worker trainer) imports no Node built-in either', async () => {
    const bundle = await bundleForBrowser(join(src, 'browser', 'index.ts'));
    expect(bundle.nodeImports).toEqual([]);
    expect(bundle.code).toContain('WorkerTrainer');
  });

  it('of topkast/node does import Node built-ins (the check sees them)', async () => {
    const bundle = await bundleForBrowser(join(src, 'node.ts'));
    expect(bundle.nodeImports).toEqual(
      expect.arrayContaining([expect.stringMatching(/^node:fs ← .*src\/data\/registry\.ts$/)]),
    );
  });
});
