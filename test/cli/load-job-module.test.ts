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
