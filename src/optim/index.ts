export { AdamW, type AdamWOptions } from './adamw.js';
export type { Optimizer, OptimizerState } from './optimizer.js';
export { constantLr, cosineLr, type LrSchedule, stepLr } from './schedules.js';
export { SGD, type SgdOptions } from './sgd.js';
