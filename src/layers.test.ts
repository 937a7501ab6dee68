/**
 * The layer order of ../shared/DESIGN.md ("Layout"): a folder imports only itself and the folders below it,
 * and no files import each other in a circle. Read from the import specifiers of every source file under
 * src (fixtures included, tests left out: a test may drive any layer).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The folders of src, lowest first. The files at src's top (index.ts, node.ts) sit above all of them. */
const ORDER = [
  'kernels',
  'util',
  'tensor',
  'sparse',
  'data',
  'nn',
  'spartan',
  'optim',
  'methods',
  'train',
  'run',
  'checkpoint',
  'browser',
  'compare',
  'report',
  'queue',
  'cli',
];

const SRC = import.meta.dirname;

/**
 * Test code: tests and the fixtures tsconfig.json keeps out of the build. A test may drive its layer from above
 * (a method's conformance suite runs training steps), so only what ships is held to the layer order.
 */
function isTestCode(name: string): boolean {
  return name.endsWith('.test.ts') || name === 'testing.ts';
}

/** Every shipped source file under src (relative paths). */
function sourceFiles(folder = SRC): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !isTestCode(entry.name) ? [relative(SRC, path)] : [];
  });
}

/** The files under src that `file` imports or re-exports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\s[^;]*?\bfrom\s+'(\.[^']+)'/gm)].map((m) => m[1]);
  return specifiers.map((specifier) => normalize(join(dirname(file), specifier)).replace(/\.js$/, '.ts'));
}

/** A file's layer: its top folder's place in ORDER, or ORDER.length for the files at src's top. */
function layerOf(file: string): number {
  const folder = file.includes('/') ? file.slice(0, file.indexOf('/')) : null;
  if (folder === null) return ORDER.length;
  const layer = ORDER.indexOf(folder);
  if (layer < 0)
    throw new Error(`src/${folder} is not in ORDER: place it in the layer order (and DESIGN.md)`);
  return layer;
}

/** The strongly connected components of more than one file (Tarjan), each sorted. */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('the layer order', () => {
  const files = sourceFiles();
  const graph = new Map(files.map((file) => [file, importsOf(file)]));

  it('every import names a source file', () => {
    const known = new Set(files);
    const missing = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => !known.has(target)).map((target) => `${file} -> ${target}`),
    );
    expect(missing).toEqual([]);
    expect(files.length).toBeGreaterThan(100);
  });

  it('no folder imports a folder above it, and nothing imports the files at the top', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => layerOf(target) > layerOf(file)).map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('no files import each other in a circle', () => {
    expect(circles(graph).map((component) => component.join(', '))).toEqual([]);
  });

  it("every folder's README.md says what lives there and what it may import", () => {
    for (const folder of ORDER) {
      const readme = readFileSync(join(SRC, folder, 'README.md'), 'utf8');
      expect(readme.startsWith(`# src/${folder}\n`), folder).toBe(true);
      expect(readme, folder).toMatch(/\nMay import: .+/);
    }
  });

  it('finds an upward import and a circle when there is one', () => {
    expect(layerOf('tensor/tensor.ts')).toBeLessThan(layerOf('sparse/csr.ts'));
    expect(layerOf('index.ts')).toBe(ORDER.length);
    const toy = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(circles(toy)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
