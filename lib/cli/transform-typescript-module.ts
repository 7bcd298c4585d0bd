import { readFileSync } from 'node:fs';
import { createRequire, Module, register } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequireResolver, findEsModuleTsxReason, findTsxReason, planDirectTransform, type ModuleFormat, type RequireResolution } from './plan-direct-transform.js';
import type { ServedModule } from './serve-module-source.js';
import { findTsconfig } from './read-tsconfig.js';
import { findOwnModule } from './find-own-module.js';

/** The part of esbuild's API this file calls. */
interface Esbuild {
  transform(input: string, options: Record<string, unknown>): Promise<{ readonly code: string; readonly map: string; readonly warnings: readonly unknown[] }>;
}

/** Node's CommonJS internals that tsx's require hook uses too: compiling a module from source. */
interface CompilableModule {
  filename: string;
  paths: string[];
  loaded: boolean;
  exports: unknown;
  _compile(code: string, filename: string): void;
}

/** The transformed module, or why tsx must load it instead. */
export type DirectTransform = { readonly code: string } | { readonly tsxReason: string };

/**
 * Starts esbuild's transform of a TypeScript job module, CommonJS or ES module (esbuild runs in
 * its own process, so the caller loads the package meanwhile) and, once it is done, checks that
 * Node can load everything the module imports as tsx would (plan-direct-transform.ts). The code
 * carries an inline source map, so stack frames name the module's own lines.
 * esbuild is the one tsx depends on (tsx's own transform), so this adds no dependency.
 */
export function startDirectTransform(absolutePath: string, resolution: Omit<RequireResolution, 'resolve'>, format: ModuleFormat = 'cjs'): Promise<DirectTransform> {
  const tsconfig = findTsconfig(process.cwd(), process.env.TSX_TSCONFIG_PATH);
  const plan = planDirectTransform(absolutePath, tsconfig, format);
  if ('tsxReason' in plan) return Promise.resolve(plan);
  const esbuild = loadEsbuild();
  if (esbuild === undefined) return Promise.resolve({ tsxReason: "esbuild could not be loaded from tsx's dependencies" });
  const source = readFileSync(absolutePath, 'utf8');
  const transformed = esbuild.transform(source, {
    // What tsx gives esbuild for a CommonJS module, less the options that only reformat the output.
    loader: 'ts',
    format,
    platform: 'node',
    target: `node${process.versions.node}`,
    sourcemap: true,
    sourcesContent: false,
    sourcefile: absolutePath,
    logLevel: 'silent',
    ...(plan.tsconfigRaw === undefined ? {} : { tsconfigRaw: plan.tsconfigRaw }),
  });
  return transformed.then(
    (result): DirectTransform => {
      // import.meta in a CommonJS module, for instance: tsx defines it, a plain transform warns.
      if (result.warnings.length > 0) return { tsxReason: 'esbuild warned about the module: tsx loads it' };
      const reason =
        format === 'esm'
          ? findEsModuleTsxReason(result.code, absolutePath, tsconfig, resolution)
          : findTsxReason(result.code, tsconfig, { ...resolution, resolve: createRequireResolver(absolutePath) });
      if (reason !== undefined) return { tsxReason: reason };
      return { code: `${result.code}//# sourceMappingURL=data:application/json;base64,${Buffer.from(result.map).toString('base64')}\n` };
    },
    // A syntax error: tsx reports it (file, line and column), as for every other module.
    () => ({ tsxReason: 'esbuild could not transform the module: tsx reports why' }),
  );
}

/** esbuild as tsx resolves it (tsx depends on it); undefined when it cannot be found or loaded. */
function loadEsbuild(): Esbuild | undefined {
  try {
    const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
    return createRequire(tsx)('esbuild') as Esbuild;
  } catch {
    return undefined;
  }
}

/**
 * Evaluates the transformed module as Node evaluates a CommonJS file (its own require, module,
 * __filename and __dirname), with source maps on so that stack frames name the .ts lines. The
 * module stays in `cache` under its path while it runs (so a require cycle back to it finds it).
 */
export function evaluateCommonJs(absolutePath: string, code: string, cache: NodeJS.Dict<NodeJS.Module>): unknown {
  const ModuleClass = Module as unknown as { new (id: string): CompilableModule; _nodeModulePaths(directory: string): string[] };
  const compiled = new ModuleClass(absolutePath);
  compiled.filename = absolutePath;
  compiled.paths = ModuleClass._nodeModulePaths(dirname(absolutePath));
  cache[absolutePath] = compiled as unknown as NodeJS.Module;
  process.setSourceMapsEnabled(true);
  compiled._compile(code, absolutePath);
  compiled.loaded = true;
  return compiled.exports;
}

/**
 * Imports the transformed ES module from its own file URL (`?stepops-load=n` so that a second load
 * evaluates it again): serve-module-source.ts hands Node its code. Node links every static import
 * before any of it runs, so an import Node cannot load rejects with nothing evaluated.
 */
export async function importTransformedEsModule(absolutePath: string, code: string, load: number): Promise<unknown> {
  const url = `${pathToFileURL(absolutePath).href}?stepops-load=${load}`;
  const served: ServedModule = { url, source: code };
  // The hooks module, compiled (dist/cli/) or as sources (run through tsx, as the tests do); named
  // from the package's root folder, since this code may sit in a bundle chunk (dist/chunks/).
  const hooks = findOwnModule('../cli/serve-module-source', import.meta.url) ?? new URL('../cli/serve-module-source.js', import.meta.url);
  register(hooks, { data: served });
  process.setSourceMapsEnabled(true);
  return import(url);
}
