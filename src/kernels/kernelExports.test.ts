import { describe, expect, it } from 'vitest';
import type { KernelDeclaration } from './declare.js';
import { relaxedSimdWasmBase64, simdWasmBase64 } from './generated/wasmBinaries.js';
import { denseKernelDeclarations } from './kernels.js';
import { sparseKernelDeclarations } from './sparseKernels.js';

const I32 = 0x7f;
const F32 = 0x7d;
const F64 = 0x7c;

/** The parameter and result value types of every exported function of a wasm binary, by export name. */
function exportedSignatures(binary: Uint8Array): Map<string, { params: number[]; results: number[] }> {
  let at = 0;
  const u32 = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = binary[at++];
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value >>> 0;
      shift += 7;
    }
  };
  const name = () => {
    const length = u32();
    at += length;
    return new TextDecoder().decode(binary.subarray(at - length, at));
  };
  const types: { params: number[]; results: number[] }[] = [];
  const functionTypes: number[] = [];
  const exports = new Map<string, { params: number[]; results: number[] }>();
  at = 8; // magic and version
  while (at < binary.length) {
    const id = binary[at++];
    const size = u32();
    const end = at + size;
    if (id === 1) {
      for (let count = u32(), t = 0; t < count; t++) {
        at++; // 0x60: a function type
        const params = Array.from({ length: u32() }, () => binary[at++]);
        const results = Array.from({ length: u32() }, () => binary[at++]);
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let count = u32(), i = 0; i < count; i++) {
        name();
        name();
        const kind = binary[at++];
        if (kind === 0) functionTypes.push(u32());
        else if (kind === 2) {
          const flags = binary[at++];
          u32();
          if (flags & 1) u32();
        } else throw new Error(`import kind ${kind} not handled`);
      }
    } else if (id === 3) {
      for (let count = u32(), i = 0; i < count; i++) functionTypes.push(u32());
    } else if (id === 7) {
      for (let count = u32(), i = 0; i < count; i++) {
        const exportName = name();
        const kind = binary[at++];
        const index = u32();
        if (kind === 0) exports.set(exportName, types[functionTypes[index]]);
      }
    }
    at = end;
  }
  return exports;
}

type Signature = { params: number[]; results: number[] };

/**
 * How an export's signature differs from what `declaration` says it takes (views, sizes, flags and wasm-only
 * arguments as i32, floats as f32 or f64, one result for a kernel that returns a number), or null if it agrees.
 */
function mismatch(declaration: KernelDeclaration, signature: Signature | undefined): string | null {
  if (!signature) return 'not exported';
  const args = Object.entries(declaration.args).filter(([, spec]) => spec.kind !== 'scalar' || spec.wasm);
  if (args.length !== signature.params.length) {
    return `${signature.params.length} arguments, declared ${args.length}`;
  }
  for (const [i, [name, spec]] of args.entries()) {
    const float = spec.kind === 'scalar' && spec.scalar === 'float';
    const type = signature.params[i];
    if (float ? type !== F32 && type !== F64 : type !== I32)
      return `argument ${i} (${name}) has type 0x${type.toString(16)}`;
  }
  const results = declaration.returns === 'number' ? 1 : 0;
  return signature.results.length === results
    ? null
    : `${signature.results.length} results, declared ${results}`;
}

const declarations: Record<string, KernelDeclaration> = {
  ...denseKernelDeclarations,
  ...sparseKernelDeclarations,
};

for (const [build, base64] of [
  ['simd', simdWasmBase64],
  ['relaxed', relaxedSimdWasmBase64],
] as const) {
  describe(`the ${build} build's exports`, () => {
    const signatures = exportedSignatures(new Uint8Array(Buffer.from(base64, 'base64')));

    it('take the arguments every kernel declaration lists, in its order and of its kinds', () => {
      for (const [kernel, declaration] of Object.entries(declarations)) {
        const exportName = declaration.export ?? kernel;
        expect(
          mismatch(declaration, signatures.get(exportName)),
          `${kernel} (export ${exportName})`,
        ).toBeNull();
      }
    });

    it('a declaration out of order or short of an argument is caught', () => {
      const { a, s, out, n } = denseKernelDeclarations.scale.args;
      expect(mismatch({ args: { s, a, out, n } }, signatures.get('scale'))).toMatch(/argument 0 \(s\)/);
      expect(mismatch({ args: { a, s, out } }, signatures.get('scale'))).toMatch(/4 arguments, declared 3/);
      expect(mismatch({ args: { a, s, out, n }, returns: 'number' }, signatures.get('scale'))).toMatch(
        /results/,
      );
    });

    it('matmulRows takes matmul’s arguments and a row range (the threads split it so)', () => {
      expect(signatures.get('matmulRows')!.params).toEqual([...signatures.get('matmul')!.params, I32, I32]);
    });
  });
}
