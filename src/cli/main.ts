#!/usr/bin/env node
/** The `topkast` executable. */
import { enableRelaxedSimd } from '../kernels/relaxedSimd.js';
import { runCli } from './program.js';

enableRelaxedSimd();
process.exitCode = await runCli(process.argv.slice(2));
