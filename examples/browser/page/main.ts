/**
 * A page that uses topkast as a package from npm would: the dataset file comes from the package (Vite turns the
 * import into a URL of the built page), training runs on the page's thread (?steps=, default 60; ?hidden=, default
 * 256,256).
 * The result goes to #result as JSON, and to window.topkastRun for tests.
 */

import { fashionMnistSubset } from 'topkast';
import subsetUrl from 'topkast/data/fashion-mnist-subset/fashion-mnist-subset.bin.gz?url';
import { trainOnSubset } from './training.js';

const output = document.querySelector('#result') as HTMLOutputElement;
const query = new URLSearchParams(location.search);
const steps = Number(query.get('steps') ?? 60);
const hidden = (query.get('hidden') ?? '256,256').split(',').map(Number);
const response = await fetch(subsetUrl);
const dataset = await fashionMnistSubset(new Uint8Array(await response.arrayBuffer()));
const run = trainOnSubset(dataset, steps, hidden);
Object.assign(window, { topkastRun: run });
output.textContent = JSON.stringify(run);
output.dataset.done = 'true';
