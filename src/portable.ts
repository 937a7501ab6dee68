/**
 * topkast/portable: trained models in other frameworks' formats — image models to ONNX and TensorFlow.js, the
 * transformer to ONNX. Platform-neutral like the main entry, but apart from it because ONNX is written with
 * protobufjs (about 35 kB gzipped), which a page that only trains need not load.
 */
export { exportOnnx } from './checkpoint/portable/exportOnnx.js';
export { exportTransformerOnnx } from './checkpoint/portable/exportOnnxTransformer.js';
export { exportTfjs, TFJS_WEIGHTS_FILE, type TfjsModel } from './checkpoint/portable/exportTfjs.js';
export { type GraphLayer, type ImageInput, layerGraph } from './checkpoint/portable/layerGraph.js';
