import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../cli/helpers.js';

/**
 * The README's examples are the files in examples/, verbatim, and the output shown after each
 * is what running it prints now. So the API the README shows compiles (tsc checks examples/)
 * and behaves as documented.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((file) => file.endsWith('.ts'))
  .sort();

async function captureOutput(file: string): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(format(...args));
  });
  await import(join(ROOT, 'examples', file));
  return lines.join('\n');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('README', () => {
  it('shows the setup, demo and test commands', () => {
    for (const command of ['npm ci', 'npm run demo', 'npm test']) expect(README).toContain(command);
    // The sections a newcomer needs, from the ops to the deployed stack.
    for (const section of [
      '## Ops and jobs',
      '## Retry policies',
      '## Running jobs locally',
      '## In Lambda',
      '## Deploying with the AWS CDK',
      '## Figures',
      '## Dependencies and why',
    ]) {
      expect(README).toContain(section);
    }
  });

  it('shows what `npm run demo` prints now', async () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.demo).toBe('npm run build --silent && node dist/cli/bin.js run handlers/report-pipeline.ts');
    const demo = await runCli(['run', 'handlers/report-pipeline.ts']);
    expect(demo.exitCode).toBe(0);
    expect(README).toContain(`few seconds:\n\n\`\`\`\n${demo.stdout.trimEnd()}\n\`\`\``);
  });

  it('has examples to check', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(4);
  });

  it.each(EXAMPLES)('shows examples/%s verbatim, followed by what it prints', async (file) => {
    const source = readFileSync(join(ROOT, 'examples', file), 'utf8').trimEnd();
    expect(README).toContain(`\`\`\`ts\n${source}\n\`\`\``);
    const output = await captureOutput(file);
    expect(output.length).toBeGreaterThan(0);
    expect(README).toContain(`\`\`\`ts\n${source}\n\`\`\`\n\nprints\n\n\`\`\`\n${output}\n\`\`\``);
  });
});
