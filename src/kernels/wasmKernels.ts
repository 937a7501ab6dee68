/**
 * Binds declared kernels (kernels.ts, sparseKernels.ts) to the WebAssembly exports, once for all: a call
 * checks that each view lives in the kernel memory and holds the entries its declaration counts for the call
 * (a kernel writing past an array would silently corrupt its neighbours in the heap), runs the declaration's
 * check, then calls the export with the arguments in declaration order: views as byte offsets (0 for a null
 * or unread one), flags as 1 or 0, wasm-only arguments computed. Nothing is allocated per call.
 */
import type { ArgSpec, Call, KernelDeclaration, KernelsOf, ViewArray } from './declare.js';

type Ptr = number;
type Export = (...args: number[]) => number;

/**
 * A function that returns the byte offset of a view of `memory` holding at least `count` entries, or throws.
 * A buffer of the memory is recognised by identity once seen; a new one (the memory grew, and shared memory
 * hands out a new SharedArrayBuffer object each time) must be a SharedArrayBuffer whose length is a whole
 * number of wasm pages between the memory's size at binding time and its current size.
 */
export function viewPointer(
  memory: WebAssembly.Memory,
): (view: ViewArray, count: number, name: string) => Ptr {
  const known = new Set<ArrayBufferLike>([memory.buffer]);
  const initialBytes = memory.buffer.byteLength;
  // The memory's own buffer class: a page that is not cross-origin isolated has no SharedArrayBuffer global.
  const SharedBuffer = memory.buffer.constructor as typeof SharedArrayBuffer;
  const isMemoryBuffer = (buffer: ArrayBufferLike): boolean => {
    if (known.has(buffer)) return true;
    const bytes = buffer.byteLength;
    const fits =
      buffer instanceof SharedBuffer &&
      bytes % 65536 === 0 &&
      bytes >= initialBytes &&
      bytes <= memory.buffer.byteLength;
    if (fits) known.add(buffer);
    return fits;
  };
  return (view, count, name) => {
    if (!isMemoryBuffer(view.buffer)) {
      throw new Error(
        `${name} is not in the kernel heap: allocate it with engine().heap.allocF32/allocI32 (or copy it in)`,
      );
    }
    if (view.length < count) {
      throw new Error(
        `${name} has ${view.length} entries but the kernel needs ${count}: pass a larger array`,
      );
    }
    return view.byteOffset;
  };
}

/** A declared kernel bound to its export: its wasm argument list for a call, and the export itself. */
export interface BoundKernel {
  readonly declaration: KernelDeclaration;
  /** The export's arguments in order: their names and declarations. */
  readonly specs: readonly (readonly [string, ArgSpec])[];
  /** The export's arguments for `call`, checked, written to `into` (a fresh array by default). */
  wasmArgs(call: object, into?: number[]): number[];
  readonly run: Export;
}

/**
 * The kernels of `declarations` over a module instance's `exports`, on the `memory` the instance imported;
 * `name` is reported as the kernels' name. `bound` receives each kernel's binding (threads reuse them).
 */
export function bindKernels<T extends Record<string, KernelDeclaration>>(
  declarations: T,
  exports: Record<string, unknown>,
  memory: WebAssembly.Memory,
  name: string,
  bound: Map<string, BoundKernel> = new Map(),
): KernelsOf<T> {
  const ptr = viewPointer(memory);
  const kernels: Record<string, unknown> = { name };
  for (const [kernel, declaration] of Object.entries(declarations)) {
    const binding = bindKernel(kernel, declaration, exports, ptr);
    bound.set(kernel, binding);
    const args: number[] = new Array(binding.specs.length).fill(0);
    const { run, wasmArgs } = binding;
    kernels[kernel] = (call: object) => run.apply(undefined, wasmArgs(call, args));
  }
  return kernels as KernelsOf<T>;
}

function bindKernel(
  kernel: string,
  declaration: KernelDeclaration,
  exports: Record<string, unknown>,
  ptr: ReturnType<typeof viewPointer>,
): BoundKernel {
  const exportName = declaration.export ?? kernel;
  const run = exports[exportName];
  if (typeof run !== 'function') {
    throw new Error(
      `the WebAssembly module does not export ${exportName}: rebuild it with \`npm run build:wasm\` (assembly/index.ts must re-export it)`,
    );
  }
  const specs: [string, ArgSpec][] = Object.entries(declaration.args).filter(
    ([, spec]) => spec.kind !== 'scalar' || spec.wasm,
  );
  const passing = specs.map(([argName, spec]) => passingOf(argName, spec));
  const check = declaration.check;
  const wasmArgs = (call: object, into: number[] = new Array(specs.length)) => {
    const values = call as Record<string, unknown>;
    const sizes = call as Call;
    if (check) check(sizes);
    for (let i = 0; i < passing.length; i++) {
      const { name, how, count, optional, unread } = passing[i];
      const value = values[name];
      if (how === AS_IS) into[i] = value as number;
      else if (how === FLAG) into[i] = value ? 1 : 0;
      else if (how === COMPUTED) into[i] = count(sizes);
      else if ((value === null && optional) || unread?.(sizes)) into[i] = 0;
      else into[i] = ptr(value as ViewArray, count(sizes), name);
    }
    return into;
  };
  return { declaration, specs, wasmArgs, run: run as Export };
}

const AS_IS = 0;
const FLAG = 1;
const VIEW = 2;
const COMPUTED = 3;

/** How one export argument is passed, in one shape for every kind (the per-call loop reads one shape). */
interface Passing {
  readonly name: string;
  readonly how: typeof AS_IS | typeof FLAG | typeof VIEW | typeof COMPUTED;
  /** A view's entries, or a wasm-only argument's value. */
  readonly count: (call: Call) => number;
  readonly optional: boolean;
  readonly unread: ((call: Call) => boolean) | null;
}

function passingOf(name: string, spec: ArgSpec): Passing {
  const none = () => 0;
  if (spec.kind === 'view') {
    return { name, how: VIEW, count: spec.count, optional: spec.optional, unread: spec.unread ?? null };
  }
  if (spec.kind === 'wasmOnly')
    return { name, how: COMPUTED, count: spec.value, optional: false, unread: null };
  return { name, how: spec.scalar === 'flag' ? FLAG : AS_IS, count: none, optional: false, unread: null };
}
