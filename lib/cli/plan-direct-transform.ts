import { createRequire, isBuiltin } from 'node:module';
import { dirname, extname, isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUnderTsconfig, type TsconfigFacts } from './read-tsconfig.js';
import { decideTsconfigCoverage } from './tsconfig-coverage.js';

/**
 * When a TypeScript job module can be loaded with esbuild's transform alone (no tsx), and when
 * tsx must load it: the rules below take the direct path only where tsx would give the same code
 * and load the same files, and say why not otherwise (tsx then loads the module as before, so
 * every other case keeps tsx's behaviour).
 */

/** How Node runs the module: CommonJS (.cts, or .ts without "type": "module") or ES module (.mts, or .ts with it). */
export type ModuleFormat = 'cjs' | 'esm';

/** Extensions of TypeScript modules that the direct path transforms, by format. */
const DIRECT_EXTENSIONS: Record<ModuleFormat, ReadonlySet<string>> = { cjs: new Set(['.ts', '.cts']), esm: new Set(['.ts', '.mts']) };

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
export function planDirectTransform(path: string, tsconfig: TsconfigFacts | undefined, format: ModuleFormat = 'cjs'): TransformPlan {
  if (!DIRECT_EXTENSIONS[format].has(extname(path))) return { tsxReason: `${extname(path)} modules are loaded by tsx` };
  if (tsconfig === undefined) return { tsconfigRaw: undefined };
  const options = tsconfig.compilerOptions;
  if (options === undefined) return { tsxReason: `${tsconfig.path} uses extends or is not JSON: tsx reads it` };
  const relevant = Object.fromEntries(TRANSFORM_OPTIONS.filter((name) => name in options).map((name) => [name, options[name]]));
  if (Object.keys(relevant).length === 0) return { tsconfigRaw: undefined };
  // tsx applies the options to the files the tsconfig covers (by default every file under its directory).
  if (!tsconfig.listsFiles) return isUnderTsconfig(path, tsconfig.path) ? { tsconfigRaw: { compilerOptions: relevant } } : { tsconfigRaw: undefined };
  if (!isUnderTsconfig(path, tsconfig.path) && !tsconfig.reachesOutside) return { tsconfigRaw: undefined };
  const covered = tsconfig.fileLists === undefined ? undefined : decideTsconfigCoverage(tsconfig.path, tsconfig.fileLists, path);
  if (covered === undefined) return { tsxReason: `${tsconfig.path} lists its files in a way only tsx reads: tsx decides whether it covers the module` };
  return covered ? { tsconfigRaw: { compilerOptions: relevant } } : { tsconfigRaw: undefined };
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

/** import() in either format: resolved only when it runs, too late to hand the module to tsx. */
const DYNAMIC_IMPORT = /\bimport\s*\(/;
const DYNAMIC_IMPORT_REASON = 'the module uses import(): tsx resolves it';

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
  if (DYNAMIC_IMPORT.test(code)) return DYNAMIC_IMPORT_REASON;
  const specifiers = readSpecifiers(code, LITERAL_REQUIRE);
  if (specifiers.length !== (code.match(/\brequire\b/g)?.length ?? 0)) return 'the module calls require() other than with a string literal: tsx resolves it';
  const mapper = findPathsMapper(tsconfig);
  for (const specifier of specifiers) {
    if (isBuiltin(specifier)) continue;
    const bare = !specifier.startsWith('.') && !isAbsolute(specifier);
    if (bare && mapper !== undefined) return describeMappedSpecifier(specifier, mapper);
    const file = resolution.resolve(specifier);
    if (file === undefined) return describeUnresolved(specifier);
    if (resolution.isSharedEntry(file)) continue;
    if (!file.split(sep).includes('node_modules')) return `${specifier}: a local file (${file}), which tsx loads`;
    const extension = extname(file);
    if (extension === '.json' || extension === '.node' || extension === '.cjs') continue;
    if (extension === '.js' && resolution.isCommonJsFile(file)) continue;
    return describeNotCommonJs(specifier, file);
  }
  return undefined;
}

/** A `require('...')` / `require("...")` with a plain string literal, as people write it in JavaScript. */
const JAVASCRIPT_REQUIRE = /\brequire\(\s*(['"])((?:(?!\1)[^\\\n])*)\1\s*\)/g;

/** Extensions of files Node's require does not load as CommonJS (TypeScript, ES modules). */
const NOT_COMMONJS_EXTENSIONS = new Set(['.ts', '.cts', '.mts', '.tsx', '.mjs']);

/**
 * Before requiring a JavaScript CommonJS job module (its own text, not transformed): a require in its source that Node would
 * refuse where tsx would not (a TypeScript file, an ES module, a specifier Node cannot resolve, such
 * as `./helper` beside helper.ts), or undefined. Requiring the module natively first and falling
 * back to tsx on the refusal would run its top level twice (up to that require), so such a module
 * goes to tsx at once. Requires deeper down (in the files it requires) are not read: a refusal
 * there still falls back after the fact.
 */
export function findRefusedRequire(source: string, resolution: RequireResolution): string | undefined {
  for (const match of source.matchAll(JAVASCRIPT_REQUIRE)) {
    const specifier = match[2]!;
    if (isBuiltin(specifier)) continue;
    const file = resolution.resolve(specifier);
    if (file === undefined) return describeUnresolved(specifier);
    // The package's own entry points are in the require cache as the CLI's instances.
    if (resolution.isSharedEntry(file)) continue;
    const extension = extname(file);
    if (NOT_COMMONJS_EXTENSIONS.has(extension)) return describeNotCommonJs(specifier, file);
    if (extension === '.js' && !resolution.isCommonJsFile(file)) return `${specifier}: ${file} is an ES module, which tsx transforms`;
  }
  return undefined;
}

/** A static import or re-export as esbuild prints an ES module's: `import ... from "x"`, `import "x"`, `export ... from "x"`. */
const STATIC_IMPORT = /(?:\bfrom|^\s*import)\s*"((?:[^"\\\n]|\\.)*)"/gm;

/**
 * After transforming (esbuild's ES module output): why tsx must load the module, or undefined
 * when Node's own loader loads what it imports as tsx would. Node resolves and links every
 * static import before any module runs, so an import Node cannot load (a .ts file of a package,
 * an extensionless path) fails before anything is evaluated and tsx takes over then; what
 * this leaves to tsx is what Node could load differently from tsx: local files (tsx may map
 * `./x.js` to `./x.ts`), bare specifiers where tsconfig `paths`/`baseUrl` apply, and dynamic
 * import() (resolved only when it runs, too late to hand the module to tsx).
 */
export function findEsModuleTsxReason(
  code: string,
  modulePath: string,
  tsconfig: TsconfigFacts | undefined,
  resolution: Pick<RequireResolution, 'isSharedEntry'>,
): string | undefined {
  if (DYNAMIC_IMPORT.test(code)) return DYNAMIC_IMPORT_REASON;
  const mapper = findPathsMapper(tsconfig);
  for (const specifier of readSpecifiers(code, STATIC_IMPORT)) {
    if (isBuiltin(specifier)) continue;
    const local = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
    if (!local) {
      if (mapper !== undefined) return describeMappedSpecifier(specifier, mapper);
      continue;
    }
    // The package's own entry points (by path) are the CLI's instances, which Node loads as they are.
    const file = specifier.startsWith('file:') ? readFileUrl(specifier) : resolve(dirname(modulePath), specifier);
    if (file === undefined || !resolution.isSharedEntry(file)) return `${specifier}: a local file, which tsx loads`;
  }
  return undefined;
}

/** The specifiers `pattern` finds in esbuild's output, each a JSON string literal's contents (escapes decoded). */
function readSpecifiers(code: string, pattern: RegExp): string[] {
  return [...code.matchAll(pattern)].map((match) => JSON.parse(`"${match[1]!}"`) as string);
}

/** The tsconfig.json whose `paths` or `baseUrl` tsx applies to bare specifiers, or undefined. */
function findPathsMapper(tsconfig: TsconfigFacts | undefined): string | undefined {
  const options = tsconfig?.compilerOptions;
  return options !== undefined && ('paths' in options || 'baseUrl' in options) ? tsconfig?.path : undefined;
}

/** Node's require.resolve from the module at `path`: the file, or undefined where Node cannot resolve the specifier. */
export function createRequireResolver(path: string): (specifier: string) => string | undefined {
  const require = createRequire(path);
  return (specifier) => {
    try {
      return require.resolve(specifier);
    } catch {
      return undefined;
    }
  };
}

function describeUnresolved(specifier: string): string {
  return `${specifier}: Node cannot resolve it, tsx may`;
}

function describeNotCommonJs(specifier: string, file: string): string {
  return `${specifier}: ${file} is not a CommonJS file, which tsx transforms`;
}

function describeMappedSpecifier(specifier: string, mapper: string): string {
  return `${specifier}: ${mapper} has paths or baseUrl, which tsx applies`;
}

function readFileUrl(url: string): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}
