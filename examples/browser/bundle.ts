/**
 * Bundling topkast for the browser as a page's bundler would (Vite, platform browser, minified), to check that
 * an entry reaches no Node built-in module and to measure what it costs a page. Used by bundle.test.ts and the
 * `browser` part of the benchmarks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin, type Rollup } from 'vite';

export interface BrowserBundle {
  /** The minified bundle of the entry with every export kept (a library build). */
  readonly code: string;
  /** gzip (level 9) bytes of the code: what a page transfers. */
  readonly gzipBytes: number;
  /**
   * Every Node built-in the bundle imports, as `module ← importer`; except one that the importing package maps
   * to false in its package.json `browser` field (protobufjs's guarded `require("fs")`): bundlers replace it
   * with an empty module.
   */
  readonly nodeImports: readonly string[];
}

/** Bundles `entry` (a TypeScript or JavaScript file) for the browser, in memory. */
export async function bundleForBrowser(entry: string): Promise<BrowserBundle> {
  const nodeImports: string[] = [];
  const builtins = new Set(builtinModules);
  const recordBuiltins: Plugin = {
    name: 'record-node-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!source.startsWith('node:') && !builtins.has(source)) return null;
      if (importer !== undefined && mappedAwayForBrowsers(source, importer)) return null;
      nodeImports.push(`${source} ← ${importer ?? '(entry)'}`);
      return { id: source, external: true };
    },
  };
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [recordBuiltins],
    build: {
      write: false,
      minify: true,
      sourcemap: false,
      lib: { entry, formats: ['es'], fileName: 'topkast' },
    },
  })) as Rollup.RollupOutput[];
  const chunks = output.flatMap((result) => result.output).filter((item) => item.type === 'chunk');
  const code = chunks.map((chunk) => chunk.code).join('\n');
  return { code, gzipBytes: gzipSync(code, { level: 9 }).length, nodeImports };
}

/** Whether the package that holds `importer` maps `module` to false in its package.json `browser` field. */
function mappedAwayForBrowsers(module: string, importer: string): boolean {
  for (let dir = dirname(importer); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { browser } = JSON.parse(readFileSync(manifest, 'utf8')) as { browser?: unknown };
    return (
      typeof browser === 'object' &&
      browser !== null &&
      (browser as Record<string, unknown>)[module] === false
    );
  }
  return false;
}
