import { isBuiltin } from 'node:module';
import { extname, isAbsolute, sep } from 'node:path';
import { isUnderTsconfig, type TsconfigFacts } from './read-tsconfig.js';

/**
 * When a CommonJS TypeScript job module can be loaded with esbuild's transform alone (no tsx),
 * and when tsx must load it: the rules below take the direct path only where tsx would give the
 * same code and load the same files, and say why not otherwise (tsx then loads the module as
 * before, so every other case keeps tsx's behaviour).
 */

/** Extensions of CommonJS TypeScript modules that the direct path transforms. */
const DIRECT_EXTENSIONS = new Set(['.ts', '.cts']);

/** compilerOptions that change what esbuild's transform writes for a .ts file (esbuild's tsconfigRaw documentation). */
const TRANSFORM_OPTIONS = [
  'alwaysStrict',
  'experimentalDecorators',
  'importsNotUsedAsValues',
  'jsx',
  'jsxFactory',
  'jsxFragmentFactory',
  'jsxImportSource',
  'preserveValueImports',
  'strict',
  'target',
  'useDefineForClassFields',
  'verbatimModuleSyntax',
] as const;

/** The tsconfig options to pass to esbuild (as tsx would), or why tsx must load the module. */
export type TransformPlan = { readonly tsconfigRaw: { readonly compilerOptions: Readonly<Record<string, unknown>> } | undefined } | { readonly tsxReason: string };

/** Before transforming: the module's extension and the tsconfig.json tsx would read (findTsconfig). */
export function planDirectTransform(path: string, tsconfig: TsconfigFacts | undefined): TransformPlan {
  if (!DIRECT_EXTENSIONS.has(extname(path))) return { tsxReason: `${extname(path)} modules are loaded by tsx` };
  if (tsconfig === undefined) return { tsconfigRaw: undefined };
  const options = tsconfig.compilerOptions;
  if (options === undefined) return { tsxReason: `${tsconfig.path} uses extends or is not JSON: tsx reads it` };
  const relevant = Object.fromEntries(TRANSFORM_OPTIONS.filter((name) => name in options).map((name) => [name, options[name]]));
  if (Object.keys(relevant).length === 0) return { tsconfigRaw: undefined };
  // tsx applies the options to the files the tsconfig covers: by default every file under its directory.
  if (isUnderTsconfig(path, tsconfig.path)) {
    return tsconfig.listsFiles ? { tsxReason: `${tsconfig.path} lists its files: tsx decides whether it covers the module` } : { tsconfigRaw: { compilerOptions: relevant } };
  }
  return tsconfig.reachesOutside ? { tsxReason: `${tsconfig.path} lists files outside its directory: tsx decides whether it covers the module` } : { tsconfigRaw: undefined };
}

/** How the transformed module's imports resolve, without tsx. */
export interface RequireResolution {
  /** The file Node's require would load for the specifier, from the module; undefined when it finds none. */
  readonly resolve: (specifier: string) => string | undefined;
  /** True for the package entry points the CLI shares with job modules (stepops, stepops/runner, stepops/handler). */
  readonly isSharedEntry: (file: string) => boolean;
  /** True when Node runs the .js file as CommonJS (no "type": "module" in its nearest package.json). */
  readonly isCommonJsFile: (file: string) => boolean;
}

/** A `require("...")` with a string literal, as esbuild writes each import of a CommonJS module. */
const LITERAL_REQUIRE = /\brequire\("((?:[^"\\\n]|\\.)*)"\)/g;

/**
 * After transforming (esbuild's CommonJS output): why tsx must load the module, or undefined when
 * Node's own require loads everything it imports as tsx would: builtins, the CLI's shared entry
 * points, and CommonJS files of installed packages (node_modules). Local files, ES modules,
 * TypeScript, specifiers that tsconfig `paths`/`baseUrl` may map, computed requires and dynamic
 * import() are left to tsx, which resolves and transforms those.
 */
export function findTsxReason(code: string, tsconfig: TsconfigFacts | undefined, resolution: RequireResolution): string | undefined {
  if (/\bimport\s*\(/.test(code)) return 'the module uses import(): tsx resolves it';
  const specifiers = [...code.matchAll(LITERAL_REQUIRE)].map((match) => JSON.parse(`"${match[1]!}"`) as string);
  if (specifiers.length !== (code.match(/\brequire\b/g)?.length ?? 0)) return 'the module calls require() other than with a string literal: tsx resolves it';
  const options = tsconfig?.compilerOptions;
  const mapper = options !== undefined && ('paths' in options || 'baseUrl' in options) ? tsconfig?.path : undefined;
  for (const specifier of specifiers) {
    if (isBuiltin(specifier)) continue;
    const bare = !specifier.startsWith('.') && !isAbsolute(specifier);
    if (bare && mapper !== undefined) return `${specifier}: ${mapper} has paths or baseUrl, which tsx applies`;
    const file = resolution.resolve(specifier);
    if (file === undefined) return `${specifier}: Node cannot resolve it, tsx may`;
    if (resolution.isSharedEntry(file)) continue;
    if (!file.split(sep).includes('node_modules')) return `${specifier}: a local file (${file}), which tsx loads`;
    const extension = extname(file);
    if (extension === '.json' || extension === '.node' || extension === '.cjs') continue;
    if (extension === '.js' && resolution.isCommonJsFile(file)) continue;
    return `${specifier}: ${file} is not a CommonJS file, which tsx transforms`;
  }
  return undefined;
}
