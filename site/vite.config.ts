/**
 * The demo page (npm run build:site → site/dist): a static site with no server side. The library is bundled
 * from its TypeScript sources; the training workers are bundled as ES-module workers; the Fashion-MNIST
 * subset is copied beside the page and fetched from there, so the page makes no request outside itself and
 * works offline.
 *
 * The subset file: $TOPKAST_DEMO_DATA, else DEFAULT_DATA (gzipped safetensors, see src/demoData.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { DATA_FILE_NAME } from './src/dataFile.js';

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_DATA = join(here, '..', 'data', 'fashion-mnist-subset', 'fashion-mnist-subset.bin.gz');

/** Serves the subset in development and emits it into the build. */
function demoData(file: string): Plugin {
  const read = () => {
    if (!existsSync(file)) {
      throw new Error(
        `the demo's data file ${file} is missing: restore data/ from the repository, or set TOPKAST_DEMO_DATA to a subset file`,
      );
    }
    return readFileSync(file);
  };
  return {
    name: 'topkast-demo-data',
    configureServer(server) {
      server.middlewares.use(`/${DATA_FILE_NAME}`, (_request, response) => {
        response.setHeader('content-type', 'application/octet-stream');
        response.end(read());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: DATA_FILE_NAME, source: read() });
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [demoData(resolve(process.env.TOPKAST_DEMO_DATA || DEFAULT_DATA))],
  build: { outDir: join(here, 'dist'), emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
});
