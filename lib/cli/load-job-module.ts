import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDefinitionError } from '../errors.js';
import { isJobDefinition, type JobDefinition } from '../job/index.js';
import { CliError, FAILURE_EXIT_CODE } from './cli-error.js';
import { findOwnModule } from './find-own-module.js';
import { createRequireResolver, findRefusedRequire } from './plan-direct-transform.js';
import { evaluateCommonJs, importTransformedEsModule, startDirectTransform } from './transform-typescript-module.js';

/** A job a module exports, with the name it is exported under. */
export interface ExportedJob {
  readonly exportName: string;
  readonly job: JobDefinition;
}

/**
 * Imports a job module, resolved against `cwd`, and returns the jobs it exports, each once, in
 * export order. JavaScript modules (.js, .mjs, .cjs) are loaded by Node itself; a TypeScript
 * module (.ts, .cts, .mts) whose imports Node can load by itself (the package, builtins,
 * installed packages: plan-direct-transform.ts) is transformed by esbuild alone; any other
 * TypeScript (.tsx, one importing local .ts files, ...) goes through tsx, which is imported only
 * then (loading it costs ~100 ms, it scans each module's source again, and its tsImport loads a
 * second copy of the package: ~0.4 s more for an ES module of 1,000 ops).
 * A JavaScript module that Node cannot load by itself (an ES module importing a .ts file or an
 * extensionless path, a CommonJS module requiring an ES module or a .ts file) goes through tsx
 * as before (a CommonJS one is then evaluated again, up to its failed require).
 */
export async function loadJobModule(modulePath: string, cwd: string): Promise<ExportedJob[]> {
  const absolutePath = resolve(cwd, modulePath);
  if (!existsSync(absolutePath) || !statSync(absolutePath).isFile()) {
    throw new CliError(`cannot find module ${modulePath} (looked for ${absolutePath})`, 'pass the path of a TypeScript file that exports a job, relative to the current directory');
  }
  let exports: Record<string, unknown>;
  try {
    exports = isCommonJsModule(absolutePath) ? await requireCommonJs(absolutePath) : await importEsModule(absolutePath, cwd);
  } catch (error) {
    const syntaxError = readSyntaxError(error, cwd);
    if (syntaxError !== undefined) throw new CliError(syntaxError, 'fix the syntax there (tsc --noEmit shows every error)');
    const definitionError = isDefinitionError(error);
    const described = error as { name?: unknown; message?: unknown } | null;
    const reason = error instanceof Error ? (definitionError ? String(described?.message) : `${String(described?.name)}: ${String(described?.message)}`) : String(error);
    throw new CliError(
      `${modulePath} failed to load: ${reason.split('\n')[0]}`,
      definitionError ? 'fix the job or op definition it names' : `fix the module (run it with \`npx tsx ${relative(cwd, absolutePath)}\` to see the stack)`,
      definitionError ? undefined : FAILURE_EXIT_CODE,
    );
  }
  const found: ExportedJob[] = [];
  for (const [exportName, value] of Object.entries(exports)) {
    if (exportName === 'default' && found.some((entry) => entry.job === value)) continue;
    if (isJobDefinition(value) && !found.some((entry) => entry.job === value)) found.push({ exportName, job: value });
  }
  // `export default job` after the named export keeps the named one; a default-only job is kept.
  return found;
}

/** True when Node runs the file as CommonJS: .cts/.cjs, or .ts/.js/.tsx/.jsx without "type": "module" in the nearest package.json. */
function isCommonJsModule(path: string): boolean {
  const extension = extname(path);
  if (extension === '.cts' || extension === '.cjs') return true;
  if (extension === '.mts' || extension === '.mjs') return false;
  for (let directory = dirname(path); ; directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type !== 'module';
      } catch {
        return false; // let tsImport report it
      }
    }
    if (dirname(directory) === directory) return true;
  }
}

/** Extensions Node loads without a loader. */
const JAVASCRIPT_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/** Error codes with which Node refuses a module that tsx can load: load it through tsx instead. */
const NEEDS_TSX_CODES = new Set(['ERR_UNKNOWN_FILE_EXTENSION', 'ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT', 'ERR_REQUIRE_ESM']);

/**
 * True when Node refused the module where tsx may not: one of NEEDS_TSX_CODES, or (CommonJS)
 * a SyntaxError, which is what requiring a .ts file as JavaScript gives (and for a real syntax
 * error tsx names the file, line and column).
 */
function needsTsx(error: unknown, commonJs: boolean): boolean {
  if (commonJs && error instanceof SyntaxError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NEEDS_TSX_CODES.has(code);
}

/** Loads so far, for a fresh module URL each time (a second load evaluates the module again, as tsImport does). */
let esModuleLoads = 0;

/**
 * An ES module: a JavaScript one through Node's own import, a TypeScript one transformed by
 * esbuild alone when Node can load what it imports (plan-direct-transform.ts), through tsx's
 * tsImport otherwise. Node resolves and links a module's static imports before any of it runs, so
 * a refusal leaves nothing evaluated and tsx can take over.
 */
async function importEsModule(absolutePath: string, cwd: string): Promise<Record<string, unknown>> {
  if (JAVASCRIPT_EXTENSIONS.has(extname(absolutePath))) {
    esModuleLoads += 1;
    try {
      return (await import(`${pathToFileURL(absolutePath).href}?stepops-load=${esModuleLoads}`)) as Record<string, unknown>;
    } catch (error) {
      if (!needsTsx(error, false)) throw error;
    }
  } else {
    const sharedFiles = listSharedEntryFiles();
    // esbuild transforms the module in its own process while this one loads the package.
    const transform = startDirectTransform(absolutePath, { isSharedEntry: (file) => sharedFiles.includes(file), isCommonJsFile: isCommonJsModule }, 'esm');
    await Promise.all(sharedFiles.map((file) => import(pathToFileURL(file).href)));
    const direct = await transform;
    if ('code' in direct) {
      esModuleLoads += 1;
      try {
        return (await importTransformedEsModule(absolutePath, direct.code, esModuleLoads)) as Record<string, unknown>;
      } catch (error) {
        if (!needsTsx(error, false)) throw error;
      }
    }
  }
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(pathToFileURL(absolutePath).href, pathToFileURL(`${cwd}/`).href)) as Record<string, unknown>;
}

/** The public entry points of this package (the CLI's own instances), by file: what a job module imports as `stepops`, `stepops/runner`, `stepops/handler`. */
const SHARED_ENTRY_POINTS = ['../index', '../runner/index', '../handler/index'] as const;

/** The files of SHARED_ENTRY_POINTS: compiled (dist/), or the sources when the CLI runs from them. */
function listSharedEntryFiles(): string[] {
  return SHARED_ENTRY_POINTS.flatMap((entry) => {
    const url = findOwnModule(entry, import.meta.url);
    return url === undefined ? [] : [fileURLToPath(url)];
  });
}

/**
 * Requires a CommonJS job module (a JavaScript one with Node's own require; a TypeScript one with
 * esbuild's transform alone when Node can load everything it imports, see
 * plan-direct-transform.ts; otherwise, and for a JavaScript one requiring an ES module, through
 * tsx's require hook), with this package's entry points already in the require cache as the
 * CLI's own module instances. tsImport would load such a module from a data: URL holding its
 * whole source (so every stack frame of its ops would print that URL, and formatting each one
 * costs time in proportion to the module), and load a second copy of the package (transformed to
 * CommonJS) for its imports. The cache entries this adds are removed afterwards, so that loading
 * the module again evaluates it again, as tsImport does.
 */
async function requireCommonJs(absolutePath: string): Promise<Record<string, unknown>> {
  const require = createRequire(import.meta.url);
  const cache = require.cache;
  const before = new Set(Object.keys(cache));
  const sharedFiles = listSharedEntryFiles();
  const share = async (): Promise<void> => {
    for (const file of sharedFiles) {
      if (cache[file] !== undefined) continue;
      const shared = new Module(file);
      shared.filename = file;
      shared.exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      shared.loaded = true;
      cache[file] = shared;
    }
  };
  const forget = (): void => {
    for (const key of Object.keys(cache)) if (!before.has(key)) delete cache[key];
  };
  if (JAVASCRIPT_EXTENSIONS.has(extname(absolutePath))) {
    await share();
    const refused = findRefusedRequire(readFileSync(absolutePath, 'utf8'), {
      resolve: createRequireResolver(absolutePath),
      isSharedEntry: (file) => sharedFiles.includes(file),
      isCommonJsFile: isCommonJsModule,
    });
    // A require Node refuses, seen in the module's text: tsx at once (below), nothing run twice.
    if (refused === undefined) {
      try {
        return require(absolutePath) as Record<string, unknown>;
      } catch (error) {
        // Refused deeper down (a file it requires requiring an ES module or a .ts file): the
        // module's top level ran up to there, and runs again below, through tsx.
        if (!needsTsx(error, true)) throw error;
      } finally {
        forget();
      }
    }
  } else {
    // esbuild transforms the module in its own process while this one loads the package.
    const transform = startDirectTransform(absolutePath, { isSharedEntry: (file) => sharedFiles.includes(file), isCommonJsFile: isCommonJsModule });
    await share();
    const direct = await transform;
    if ('code' in direct) {
      try {
        return evaluateCommonJs(absolutePath, direct.code, cache) as Record<string, unknown>;
      } finally {
        forget();
      }
    }
  }
  await share();
  const { register } = await import('tsx/cjs/api');
  const unregister = register();
  try {
    return require(absolutePath) as Record<string, unknown>;
  } finally {
    unregister();
    // tsx turns source maps on while registered and back off after; keep them on (as tsImport
    // leaves them) so that op stacks name the module's own .ts lines.
    process.setSourceMapsEnabled(true);
    forget();
  }
}

/**
 * The first error of esbuild's TransformError (tsx compiles modules with esbuild), whose
 * message is `Transform failed with N error(s):` then `<file>:<line>:<column>: ERROR: <reason>`
 * lines: `path/to/job.ts:2:41: syntax error: Expected ")" but found ";"`, the path relative to
 * `cwd`. Undefined for any other error.
 */
function readSyntaxError(error: unknown, cwd: string): string | undefined {
  if (!(error instanceof Error) || error.name !== 'TransformError') return undefined;
  const match = /^(.+):(\d+):(\d+): ERROR: (.+)$/m.exec(error.message);
  if (match === null) return `syntax error: ${error.message.split('\n').slice(1).join(' ').trim() || error.message}`;
  const [, file, line, column, reason] = match;
  const more = (error.message.match(/: ERROR: /g)?.length ?? 1) - 1;
  return `${relative(cwd, file!)}:${line}:${column}: syntax error: ${reason}${more > 0 ? ` (and ${more} more)` : ''}`;
}

/**
 * The job to run: the only one, or the one `--job` names (by job name or export name).
 * Throws a CliError listing the names when the choice is missing or unknown.
 */
export function selectJob(jobs: readonly ExportedJob[], jobName: string | undefined, modulePath: string): JobDefinition {
  const names = jobs.map((entry) => entry.job.name).join(', ');
  if (jobs.length === 0) {
    throw new CliError(`${modulePath} exports no job`, "export one, e.g. export const myJob = job({ name: 'my_job' }, () => { myOp(); })");
  }
  if (jobName === undefined) {
    if (jobs.length === 1) return jobs[0]!.job;
    throw new CliError(`${modulePath} exports several jobs (${names})`, 'pick one with --job <name>');
  }
  const match = jobs.find((entry) => entry.job.name === jobName) ?? jobs.find((entry) => entry.exportName === jobName);
  if (match === undefined) {
    throw new CliError(`${modulePath} has no job named "${jobName}" (it exports: ${names})`, 'pass one of these names to --job');
  }
  return match.job;
}

/** loadJobModule then selectJob. */
export async function loadJob(modulePath: string, jobName: string | undefined, cwd: string): Promise<JobDefinition> {
  return selectJob(await loadJobModule(modulePath, cwd), jobName, modulePath);
}
