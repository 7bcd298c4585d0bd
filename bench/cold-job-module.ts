/**
 * Writes the 1,000-op runner job as a user would write it, for the cold `stepops run` figure:
 * one TypeScript module that imports the built package (dist/index.js) and defines every op
 * and the job body directly (same graph, policies and scripted failures as bench/runner-job.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRunnerGraph, describeRunnerOp } from './runner-job.js';

/**
 * Writes the module under a fresh temporary directory; returns its path. With `esModule` the
 * directory holds a package.json with `"type": "module"` (as most TypeScript projects do), so
 * Node runs the module as an ES module; without it, as a CommonJS one.
 */
export function writeColdJobModule(root: string, size: number, options: { readonly esModule?: boolean } = {}): string {
  const graph = buildRunnerGraph(size);
  const lines = [
    `import { Backoff, job, op, RetryPolicy } from ${JSON.stringify(join(root, 'dist', 'index.js'))};`,
    'const plain = new RetryPolicy({ maxRetries: 2, delay: 5 });',
    'const indexed = new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL });',
  ];
  graph.names.forEach((name, k) => {
    const { policy, failures = 0 } = describeRunnerOp(k);
    const retryPolicy = policy === undefined ? '' : `, retryPolicy: ${k % 3 === 1 ? 'plain' : 'indexed'}`;
    const inputs = graph.predecessors[k]!.map((_, i) => `i${i}: unknown`);
    lines.push(
      `const o${k} = op({ name: ${JSON.stringify(name)}${retryPolicy} }, (ctx${inputs.map((input) => `, ${input}`).join('')}) => {`,
      `  if (ctx.retryNumber < ${failures}) throw new Error(${JSON.stringify(`${name} fails on purpose`)});`,
      `  return { op: ${JSON.stringify(name)}, inputs: ${inputs.length} };`,
      '});',
    );
  });
  lines.push(`export const runner${size} = job({ name: 'runner_${size}' }, () => {`);
  graph.names.forEach((_, k) => lines.push(`  const h${k} = o${k}(${graph.predecessors[k]!.map((p) => `h${p}`).join(', ')});`));
  lines.push('});', '');
  const directory = mkdtempSync(join(tmpdir(), 'stepops-bench-'));
  if (options.esModule === true) writeFileSync(join(directory, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  const path = join(directory, `runner-${size}.ts`);
  writeFileSync(path, lines.join('\n'));
  return path;
}
