/**
 * The native peer: bench/peers/pytorch_step.py (the same MLP step in PyTorch on the CPU, dense and masked, one
 * thread and two) run with the first python3 that imports torch. Debian's python3-torch lives in
 * /usr/bin/python3, which a pyenv or virtualenv `python3` earlier on PATH may hide, so both are probed. No
 * torch: the bench prints one line saying so and goes on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PytorchCase {
  /** 'dense', or 'masked' (the hidden-layer weights times a fixed 0/1 mask in the forward pass). */
  case: 'dense' | 'masked';
  threads: number;
  stepMsMedian: number;
  stepMsMean: number;
  sampleMeans: number[];
}

export interface PytorchResult {
  /** The interpreter that ran it, and its version. */
  executable: string;
  python: string;
  torch: string;
  /** The BLAS library torch loaded (the reference BLAS makes its products about 50× slower than OpenBLAS). */
  blas: string;
  stepsPerSample: number;
  cases: PytorchCase[];
}

export interface PytorchOptions {
  sizes: number[];
  batch: number;
  /** The masked case's density of the hidden-layer masks. */
  density: number;
  rounds: number;
  steps: number;
  threads: number[];
}

const PYTHONS = ['python3', '/usr/bin/python3'];

/** The script's path: beside this file in the sources, or in bench/peers/ when run from dist/. */
function scriptPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'pytorch_step.py');
  return existsSync(beside) ? beside : join(here, '..', '..', '..', 'bench', 'peers', 'pytorch_step.py');
}

/** The first python3 that imports torch, or null. */
export function findTorchPython(): string | null {
  for (const python of PYTHONS) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
    if (probe.status === 0) return python;
  }
  return null;
}

/** Runs the PyTorch peer, or returns a one-line reason it could not. */
export function benchPytorchStep(options: PytorchOptions): PytorchResult | { skipped: string } {
  const python = findTorchPython();
  if (python === null) {
    return {
      skipped: `PyTorch peer skipped: no python3 imports torch (tried ${PYTHONS.join(', ')}; Debian: apt install python3-torch)`,
    };
  }
  const run = spawnSync(python, [scriptPath(), JSON.stringify(options)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    timeout: 30 * 60_000,
  });
  if (run.status !== 0) {
    return {
      skipped: `PyTorch peer failed (${python}): ${run.stderr.trim().split('\n').pop() ?? run.error}`,
    };
  }
  return { executable: python, ...(JSON.parse(run.stdout) as Omit<PytorchResult, 'executable'>) };
}
