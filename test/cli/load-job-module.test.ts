import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RetryPolicy } from '../../lib/index.js';
import { loadJobModule } from '../../lib/cli/load-job-module.js';

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

  it('a CommonJS .js module that requires a .ts file goes through tsx', async () => {
    const folder = writeFiles('commonjs', {
      'job.js': "const { value } = require('./helper.ts');\nglobalThis.probe = { value };\n",
      'helper.ts': 'export const value: number = 41 + 1;\n',
    });
    expect(await loadJobModule(join(folder, 'job.js'), directory)).toStrictEqual([]);
    expect((globalThis as unknown as { probe: { value: number } }).probe.value).toBe(42);
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
