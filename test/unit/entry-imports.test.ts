import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as stepops from '../../lib/index.js';
import * as runner from '../../lib/runner/index.js';

/**
 * What `import 'stepops'` loads: every job module imports it, so it loads what defining ops and
 * jobs needs (policies, errors, the job model) and the compiler (compileJob is synchronous), and
 * neither the local runner, nor the Lambda wrapper, nor jsonata, nor an AWS SDK client.
 */
const LIB = resolve(import.meta.dirname, '../../lib');

/**
 * The files a module loads when imported: static imports and re-exports of values, followed, and
 * packages required at module level with `createRequire(import.meta.url)('name')`; `import type`
 * and `import()` are not loads.
 */
function listStaticImports(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const pattern = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
      else packages.add(specifier);
    }
    for (const match of readFileSync(file, 'utf8').matchAll(/createRequire\(import\.meta\.url\)\(\s*['"]([^'"]+)['"]\s*\)/g)) packages.add(match[1]!);
  };
  visit(entry);
  return { files: [...files].map((file) => relative(LIB, file)).sort(), packages: [...packages].sort() };
}

describe('the package entry (lib/index.ts)', () => {
  const { files, packages } = listStaticImports(resolve(LIB, 'index.ts'));

  it('loads policies, errors, the job model and the compiler only', () => {
    expect(new Set(files.map((file) => file.split('/')[0]!.replace(/\.ts$/, '')))).toStrictEqual(new Set(['index', 'errors', 'policy', 'job', 'asl']));
    expect(packages.filter((name) => !name.startsWith('node:'))).toStrictEqual([]);
  });

  it("the same walk from the runner's entry finds jsonata and the wrapper (the test above can fail)", () => {
    const fromRunner = listStaticImports(resolve(LIB, 'runner/index.ts'));
    expect(fromRunner.packages).toContain('jsonata');
    expect(fromRunner.files.some((file) => file.startsWith('handler/'))).toBe(true);
  });

  it('runJobLocally loads the runner on its first call and runs the job as stepops/runner does', async () => {
    const step = stepops.op({ name: 'step' }, (ctx) => ({ attempt: ctx.retryNumber + 1 }));
    const oneStep = stepops.job({ name: 'one_step' }, () => {
      step();
    });
    const quiet = { seed: 3, writeLog: () => undefined };
    const viaEntry = await stepops.runJobLocally(oneStep, quiet);
    const viaRunner = await runner.runJobLocally(oneStep, quiet);
    expect(viaEntry.status).toBe('SUCCEEDED');
    expect(viaEntry).toStrictEqual(viaRunner);
  });

  it('fails as stepops/runner does: the run config error is the same class and message', async () => {
    const step = stepops.op({ name: 'step' }, () => 1);
    const oneStep = stepops.job({ name: 'one_step' }, () => {
      step();
    });
    const input = { ops: { nope: { config: {} } } };
    const viaRunner = await runner.runJobLocally(oneStep, { input }).catch((error: unknown) => error);
    const viaEntry = await stepops.runJobLocally(oneStep, { input }).catch((error: unknown) => error);
    expect(viaRunner).toBeInstanceOf(stepops.RunConfigError);
    expect(viaEntry).toBeInstanceOf(stepops.RunConfigError);
    expect((viaEntry as Error).message).toBe((viaRunner as Error).message);
  });
});
