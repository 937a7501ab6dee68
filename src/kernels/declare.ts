/**
 * The vocabulary kernels are declared in (kernels.ts, sparseKernels.ts). A declaration names a kernel's
 * arguments, in the order of its WebAssembly export, and says what each is:
 * - a view (f32In, f32Out, i32In, …): a typed array in the kernel heap, passed to wasm as its byte offset,
 *   with the entries the kernel touches as a function of the call (checked before every wasm call);
 * - a size, float or flag: a number or boolean passed as it is (a flag as 1 or 0);
 * - hostSize: a size the caller gives that only sizes views (the export does not take it);
 * - wasmOnly: an export argument the caller does not give, computed from the call (a fixed transpose flag, a
 *   row range covering every row).
 * From a table of declarations follow, by types, the TypeScript interface (KernelsOf: every kernel takes one
 * object of named arguments), the references' signatures (ArgsOf), and at run time the wasm binding
 * (wasmKernels.ts), the threads' splits (threadsElementwise.ts) and the export arity test.
 */

/** The arguments of a call, as a view count, a check or a wasm-only value reads them (sizes by name). */
export type Call = Readonly<Record<string, number>>;

/** A typed array a kernel may take. */
export type ViewArray = Float32Array | Int32Array | Float64Array;

/** What a kernel does with a view: reads it, writes it without reading, or both. */
export type Role = 'in' | 'out' | 'inout';

/** A view argument: T is its TypeScript type (a typed array, `| null` when optional). */
export interface ViewSpec<T> {
  readonly kind: 'view';
  readonly role: Role;
  /** Bytes per entry (4 for float32 and int32, 8 for float64). */
  readonly bytes: number;
  /** Entries the kernel touches in this call; the view must hold at least that many. */
  readonly count: (call: Call) => number;
  /** True when the caller may pass null (passed to wasm as 0: no such array). */
  readonly optional: boolean;
  /** When true for a call, the kernel does not touch the view: it is passed as 0, unchecked. */
  readonly unread?: (call: Call) => boolean;
  /** Type only: the argument's TypeScript type. */
  readonly type?: T;
}

/** A number or boolean the caller passes (`wasm` false: it only sizes views). */
export interface ScalarSpec<T> {
  readonly kind: 'scalar';
  /** How the export takes it: an integer, a float, or a flag (1 or 0). */
  readonly scalar: 'size' | 'float' | 'flag';
  readonly wasm: boolean;
  readonly type?: T;
}

/** An export argument computed from the call (the caller does not pass it). */
export interface WasmOnlySpec {
  readonly kind: 'wasmOnly';
  readonly value: (call: Call) => number;
}

export type ArgSpec = ViewSpec<unknown> | ScalarSpec<unknown> | WasmOnlySpec;

/** One kernel: its arguments in export order, what it returns, the export it binds and its input checks. */
export interface KernelDeclaration {
  readonly args: Readonly<Record<string, ArgSpec>>;
  /** The wasm export's name (default: the kernel's). */
  readonly export?: string;
  /** 'number': the kernel returns a number (a sum, a count). */
  readonly returns?: 'number';
  /** Throws a one-line error for a call the kernel cannot serve (run by the wasm binding before the call). */
  readonly check?: (call: Call) => void;
}

const view =
  <T>(role: Role, bytes: number) =>
  (count: (call: Call) => number, unread?: (call: Call) => boolean): ViewSpec<T> => ({
    kind: 'view',
    role,
    bytes,
    count,
    optional: false,
    unread,
  });

export const f32In = view<Float32Array>('in', 4);
export const f32Out = view<Float32Array>('out', 4);
export const f32InOut = view<Float32Array>('inout', 4);
export const i32In = view<Int32Array>('in', 4);
export const i32Out = view<Int32Array>('out', 4);
export const f64Out = view<Float64Array>('out', 8);
/** A float32 or int32 view (moveRuns moves either). */
export const anyInOut = view<Float32Array | Int32Array>('inout', 4);

/** The view may be null (the kernel then skips what it would do with it). */
export function optional<T>(spec: ViewSpec<T>): ViewSpec<T | null> {
  return { ...spec, optional: true };
}

export const size: ScalarSpec<number> = { kind: 'scalar', scalar: 'size', wasm: true };
export const float: ScalarSpec<number> = { kind: 'scalar', scalar: 'float', wasm: true };
export const flag: ScalarSpec<boolean> = { kind: 'scalar', scalar: 'flag', wasm: true };
export const hostSize: ScalarSpec<number> = { kind: 'scalar', scalar: 'size', wasm: false };

export function wasmOnly(value: (call: Call) => number): WasmOnlySpec {
  return { kind: 'wasmOnly', value };
}

/** Declares a table of kernels, keeping each declaration's literal types (for KernelsOf and ArgsOf). */
export function declareKernels<const T extends Record<string, KernelDeclaration>>(table: T): T {
  return table;
}

/** The named arguments a caller passes to a declared kernel (wasm-only arguments left out). */
export type ArgsOf<D extends KernelDeclaration> = {
  readonly [K in keyof D['args'] as D['args'][K] extends WasmOnlySpec ? never : K]: D['args'][K] extends
    | ViewSpec<infer T>
    | ScalarSpec<infer T>
    ? T
    : never;
};

/** A declared kernel as a function. */
export type KernelFunction<D extends KernelDeclaration> = (
  args: ArgsOf<D>,
) => D['returns'] extends 'number' ? number : void;

/** The interface of a table of declarations: one function per kernel, and the backend's name. */
export type KernelsOf<T extends Record<string, KernelDeclaration>> = {
  /** 'reference', 'wasm-simd' or 'wasm-relaxed-simd'. */
  readonly name: string;
} & { readonly [K in keyof T]: KernelFunction<T[K]> };

/** The view arguments of a call by name (for the few counts and checks that read an array, e.g. labels). */
export function viewsOf<T>(call: Call): T {
  return call as unknown as T;
}
