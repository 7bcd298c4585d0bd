import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { findSourceMap } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RetryPolicy } from '../../lib/index.js';
import { loadJobModule } from '../../lib/cli/load-job-module.js';
import { startDirectTransform } from '../../lib/cli/transform-typescript-module.js';

const LIB_INDEX = fileURLToPath(new URL('../../lib/index.js', import.meta.url));

/** What each probe module leaves on globalThis when it is evaluated. */
interface Probe {
  readonly stack: string;
  readonly retryPolicy: unknown;
  readonly evaluations: number;
}

const directory = mkdtempSync(join(tmpdir(), 'stepops-load-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function writeProbe(name: string, packageType: 'commonjs' | 'module'): string {
  const folder = mkdtempSync(join(directory, `${packageType}-`));
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: packageType }));
  const path = join(folder, name);
  writeFileSync(
    path,
    [
      `import { job, op, RetryPolicy } from ${JSON.stringify(LIB_INDEX)};`,
      'const g = globalThis as unknown as { probe?: { evaluations: number } };',
      "g.probe = { stack: new Error('probe').stack, retryPolicy: RetryPolicy, evaluations: (g.probe?.evaluations ?? 0) + 1 } as never;",
      "const step = op({ name: 'step' }, () => 1);",
      "export const probeJob = job({ name: 'probe_job' }, () => { step(); });",
      '',
    ].join('\n'),
  );
  return path;
}

function readProbe(): Probe {
  return (globalThis as unknown as { probe: Probe }).probe;
}

describe('loadJobModule', () => {
  for (const [label, name, type] of [
    ['a CommonJS .ts module', 'job.ts', 'commonjs'],
    ['an ES .ts module', 'job.ts', 'module'],
    ['an .mts module', 'job.mts', 'commonjs'],
  ] as const) {
    it(`${label}: stacks name the module's file, a second load evaluates it again`, async () => {
      const path = writeProbe(name, type);
      delete (globalThis as { probe?: unknown }).probe;
      const jobs = await loadJobModule(path, directory);
      expect(jobs.map((entry) => [entry.exportName, entry.job.name])).toEqual([['probeJob', 'probe_job']]);
      const probe = readProbe();
      expect(probe.stack).toContain(path);
      expect(probe.stack).not.toContain('data:');
      // A CommonJS module shares the CLI's instance of the package (no second copy loaded); an ES
      // module is imported through tsImport, whose namespace loads its own.
      if (type === 'commonjs' && name.endsWith('.ts')) expect(probe.retryPolicy).toBe(RetryPolicy);
      else expect(probe.retryPolicy).not.toBe(RetryPolicy);
      await loadJobModule(path, directory);
      expect(readProbe().evaluations).toBe(2);
    });
  }
});

describe('loadJobModule, JavaScript modules', () => {
  const record = 'globalThis.probe = { evaluations: (globalThis.probe?.evaluations ?? 0) + 1 };';

  function writeFiles(type: 'commonjs' | 'module', files: Record<string, string>): string {
    const folder = mkdtempSync(join(directory, `js-${type}-`));
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ type }));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    return folder;
  }

  // Under vitest an import() in lib/ goes through vite (which transforms .ts itself), so only the
  // CommonJS cases below show that Node loads the module unchanged; the CLI's own process runs it.
  it('an .mjs module: a second load evaluates it again', async () => {
    const folder = writeFiles('commonjs', { 'job.mjs': `${record}\nexport const notAJob = 1;\n` });
    delete (globalThis as { probe?: unknown }).probe;
    expect(await loadJobModule(join(folder, 'job.mjs'), directory)).toStrictEqual([]);
    await loadJobModule(join(folder, 'job.mjs'), directory);
    expect((globalThis as unknown as { probe: { evaluations: number } }).probe.evaluations).toBe(2);
  });

  it('a CommonJS .cjs module is required without tsx, and shares the CLI instance of the package', async () => {
    const text = [
      'const stepops = require(process.env.STEPOPS_TEST_LIB);',
      // Node keeps a function's source text as written; esbuild (tsx) would reprint it.
      'globalThis.probe = { source: (function ( ) { return  1 ; }).toString(), retryPolicy: stepops.RetryPolicy };',
      "const step = stepops.op({ name: 'step' }, () => 1);",
      "exports.probeJob = stepops.job({ name: 'probe_job' }, () => { step(); });",
      '',
    ].join('\n');
    const folder = writeFiles('commonjs', { 'job.cjs': text });
    process.env.STEPOPS_TEST_LIB = LIB_INDEX.replace(/\.js$/, '.ts');
    try {
      const jobs = await loadJobModule(join(folder, 'job.cjs'), directory);
      expect(jobs.map((entry) => entry.job.name)).toStrictEqual(['probe_job']);
    } finally {
      delete process.env.STEPOPS_TEST_LIB;
    }
    const probe = (globalThis as unknown as { probe: { source: string; retryPolicy: unknown } }).probe;
    expect(probe.source).toBe('function ( ) { return  1 ; }');
    expect(probe.retryPolicy).toBe(RetryPolicy);
  });

  // Each job.js counts its runs on its first line, before the require Node would refuse: tsx must
  // be the only one to run it.
  it.each([
    [
      'a CommonJS .js module that requires a .ts file goes through tsx, its top level run once',
      "globalThis.runs = (globalThis.runs ?? 0) + 1;\nconst { value } = require('./helper.ts');\nglobalThis.probe = { value };\n",
      'export const value: number = 41 + 1;\n',
      42,
    ],
    [
      'a CommonJS .js module requiring ./helper beside helper.ts goes through tsx, which resolves it',
      "globalThis.runs = (globalThis.runs ?? 0) + 1;\nglobalThis.probe = { value: require('./helper').value };\n",
      'export const value: number = 40 + 3;\n',
      43,
    ],
  ] as const)('%s', async (_label, jobText, helperText, value) => {
    const folder = writeFiles('commonjs', { 'job.js': jobText, 'helper.ts': helperText });
    delete (globalThis as { runs?: unknown }).runs;
    expect(await loadJobModule(join(folder, 'job.js'), directory)).toStrictEqual([]);
    expect((globalThis as unknown as { probe: { value: number } }).probe.value).toBe(value);
    expect((globalThis as unknown as { runs: number }).runs).toBe(1);
  });

  it('an ES .js module that imports a .ts file goes through tsx', async () => {
    const folder = writeFiles('module', {
      'job.js': "import { value } from './helper.ts';\nglobalThis.probe = { value };\n",
      'helper.ts': 'export const value: number = 41 + 1;\n',
    });
    expect(await loadJobModule(join(folder, 'job.js'), directory)).toStrictEqual([]);
    expect((globalThis as unknown as { probe: { value: number } }).probe.value).toBe(42);
  });
});

describe('loadJobModule, a CommonJS TypeScript module esbuild transforms alone (no tsx)', () => {
  const LIB_INDEX_TS = LIB_INDEX.replace(/\.js$/, '.ts');
  const sharing = { isSharedEntry: (file: string) => file === LIB_INDEX_TS, isCommonJsFile: () => true };

  function writeModule(files: Record<string, string>): string {
    const folder = mkdtempSync(join(directory, 'direct-'));
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    return folder;
  }

  const job = [
    `import { job, op, RetryPolicy } from ${JSON.stringify(LIB_INDEX_TS)};`,
    'import { basename } from "node:path";',
    'const g = globalThis as unknown as { probe?: { evaluations: number } };',
    "g.probe = { stack: new Error('probe').stack, retryPolicy: RetryPolicy, evaluations: (g.probe?.evaluations ?? 0) + 1, source: (function ( ) { return  1 ; }).toString(), file: basename(__filename) } as never;",
    "const step = op({ name: 'step' }, () => 1);",
    "export const probeJob = job({ name: 'probe_job' }, () => { step(); });",
    '',
  ].join('\n');

  it('loads the module: its stack names the .ts line, the CLI instance of the package is shared, a second load evaluates it again', async () => {
    const path = join(writeModule({ 'job.ts': job }), 'job.ts');
    expect(Object.keys(await startDirectTransform(path, sharing))).toStrictEqual(['code']);
    delete (globalThis as { probe?: unknown }).probe;
    const jobs = await loadJobModule(path, directory);
    expect(jobs.map((entry) => [entry.exportName, entry.job.name])).toStrictEqual([['probeJob', 'probe_job']]);
    const probe = readProbe() as Probe & { source: string; file: string };
    expect(probe.stack).toContain(path);
    // Node holds the module's source map, so its stack frames name job.ts's own lines (vitest
    // formats stacks itself, so the frame above is not mapped here; the CLI's process maps it).
    const frame = /job\.ts:(\d+):(\d+)/.exec(probe.stack)!;
    const entry = findSourceMap(path)?.findEntry(Number(frame[1]) - 1, Number(frame[2]) - 1);
    expect(entry).toMatchObject({ originalSource: pathToFileURL(path).href, originalLine: 3 });
    expect(probe.retryPolicy).toBe(RetryPolicy);
    expect(probe.file).toBe('job.ts');
    // esbuild reprints the function unminified; tsx would write `function(){return 1}`.
    expect(probe.source).toBe('function() {\n  return 1;\n}');
    await loadJobModule(path, directory);
    expect(readProbe().evaluations).toBe(2);
  });

  const tsxCases: readonly [string, Record<string, string>, string][] = [
    [
      'a module importing a local .ts file',
      { 'job.ts': `import { value } from './helper';\n(globalThis as any).probe = { value };\n`, 'helper.ts': 'export const value: number = 41 + 1;\n' },
      './helper: Node cannot resolve it, tsx may',
    ],
    ['a module using import.meta', { 'job.ts': `(globalThis as any).probe = { value: import.meta.url.length > 0 ? 42 : 0 };\n` }, 'esbuild warned about the module: tsx loads it'],
  ];
  it.each(tsxCases)('%s goes through tsx, which loads it', async (_label, files, reason) => {
    const path = join(writeModule(files), 'job.ts');
    expect(await startDirectTransform(path, sharing)).toStrictEqual({ tsxReason: reason });
    delete (globalThis as { probe?: unknown }).probe;
    expect(await loadJobModule(path, directory)).toStrictEqual([]);
    expect((globalThis as unknown as { probe: { value: number } }).probe.value).toBe(42);
  });

  it("fails on a syntax error with tsx's file:line:column message", async () => {
    const path = join(writeModule({ 'job.ts': 'const a = (1;\n' }), 'job.ts');
    expect(await startDirectTransform(path, sharing)).toStrictEqual({ tsxReason: 'esbuild could not transform the module: tsx reports why' });
    await expect(loadJobModule(path, directory)).rejects.toThrow(/job\.ts:1:12: syntax error: Expected "\)" but found ";"/);
  });
});
