/**
 * Builds dist/ (`npm run build`): tsc compiles lib/ (tsconfig.bundle.json: JavaScript and
 * declarations) into node_modules/.cache/stepops/tsc/; the declarations (every folder of lib/
 * has some) are copied into dist/ as they are, and esbuild bundles the JavaScript of the
 * package's entry points into dist/, the modules two entry points share in chunks
 * (dist/chunks/), each module once: the instances a job module imports as `stepops` are the
 * CLI's own.
 *
 * Why bundle: Node 20 resolves, reads and links each ES module on its own (about 0.3-0.5 ms a
 * file), and `stepops run` loads most of tsc's 211: bundled, 45 files, a cold run of the 1,000-op
 * bench job takes 0.89-0.90 of its time before (docs/figures.md, session 17). The code is tsc's
 * output, unchanged but for module boundaries.
 *
 * Every chunk sits one folder below dist/, as each dist/cli/ module does, so that paths relative
 * to import.meta.url (the CLI finding ../index, ../cli/serve-module-source) resolve alike in
 * the bundle and in the sources.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where tsc writes for the bundle: tsconfig.bundle.json's outDir (read, not repeated here). */
const COMPILED = join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'tsconfig.bundle.json'), 'utf8')) as { compilerOptions: { outDir: string } }).compilerOptions.outDir);
const DIST = join(ROOT, 'dist');

/**
 * The entry points, relative to lib/ without extension: package.json's exports and bin, the
 * module-hooks file the CLI registers by URL (it runs in Node's hooks thread), and the expression
 * cache the benchmarks clear between rounds (not exported by package.json).
 */
const ENTRY_POINTS = ['index', 'handler/index', 'runner/index', 'cdk/index', 'cli/bin', 'cli/serve-module-source', 'runner/evaluate/evaluate'] as const;

// tsconfig.bundle.json is tsconfig.build.json with its output in the cache; tsconfig.build.json's own
// outDir is dist/, so `tsc -b tsconfig.build.json` alone still gives a working, unbundled build.
execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'tsconfig.bundle.json')], { stdio: 'inherit' });

rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });
cpSync(COMPILED, DIST, { recursive: true, filter: (source) => !source.endsWith('.js') });

const bundle = buildSync({
  absWorkingDir: ROOT,
  entryPoints: ENTRY_POINTS.map((entry) => join(COMPILED, `${entry}.js`)),
  outbase: COMPILED,
  outdir: DIST,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies stay imports (package.json lists them); only the package's own modules are bundled.
  packages: 'external',
  // tsc's output as it is, nothing minified. No keepNames: its __name() call on every function made would cost hot paths; nothing here reads a function's or class's name (errors set theirs).
  keepNames: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});
for (const file of bundle.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, removeBareChunkImports(file.text));
}

/**
 * esbuild keeps, for evaluation order, a bare `import "./chunks/chunk-X.js";` of each chunk a
 * file depends on without using its bindings. Under package.json's `"sideEffects": false` a
 * bundler drops them; esbuild (NodejsFunction's bundler) says so in one ignored-bare-import
 * warning each, on every synth, when it reads the package outside node_modules (a linked or
 * workspace checkout). No module here does anything at import but define (what that field
 * says), and a chunk whose bindings a file uses is imported by name: they are removed.
 */
function removeBareChunkImports(code: string): string {
  return code.replace(/^import "(?:\.\.?\/)+(?:chunks\/)?[\w-]+\.js";\n/gm, '');
}
