/**
 * The plain cold aws-local-stepfunctions process for the cold-run figure, as its users run it:
 * plain Node (no TypeScript loader), the package, a definition read from a JSON file,
 * constructed (validated) and run with in-process stub handlers, every retry interval
 * overridden to 0. Written to a temporary directory: the JSON file (the runner job's bare
 * JSONPath machine and, per Task state, the error names its stub throws on its scripted
 * attempts, as createStubHandlers does) and the script that runs it. The process exits 0 when
 * the execution succeeds (printing `attempts <n>`, the Task attempts made), 1 when it fails.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBareMachine } from './runner-baseline.js';
import { buildRunnerGraph, describeRunnerOp } from './runner-job.js';
import { compileRetryPolicy, RETRY_ERROR, retryAttemptErrorName } from './stepops.js';

/** The script: its text runs in plain Node; the package's entry is resolved from this repository. */
function buildScript(packageUrl: string, fixturePath: string): string {
  return [
    "import { readFileSync } from 'node:fs';",
    '// aws-local-stepfunctions 3 calls Promise.withResolvers (Node >= 22); Node 20 lacks it.',
    'Promise.withResolvers ??= () => { let resolve, reject; const promise = new Promise((res, rej) => { resolve = res; reject = rej; }); return { promise, resolve, reject }; };',
    `const { StateMachine } = await import(${JSON.stringify(packageUrl)});`,
    `const { definition, failures } = JSON.parse(readFileSync(${JSON.stringify(fixturePath)}, 'utf8'));`,
    'let attempts = 0;',
    'const handlers = Object.fromEntries(Object.entries(failures).map(([name, errors]) => {',
    '  let calls = 0;',
    '  return [name, async () => {',
    '    calls += 1;',
    '    attempts += 1;',
    '    if (calls <= errors.length) throw Object.assign(new Error(`${name} fails on purpose`), { name: errors[calls - 1] });',
    '    return { op: name };',
    '  }];',
    '}));',
    'const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });',
    'const retryIntervalOverrides = Object.fromEntries(Object.keys(handlers).map((state) => [state, 0]));',
    'const execution = machine.run({}, { overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides } });',
    'try { await execution.result; } catch { process.exit(1); }',
    'console.log(`attempts ${attempts}`);',
    '',
  ].join('\n');
}

/** Writes the JSON file and the script for `size` ops under a fresh temporary directory; returns the script's path. */
export function writeColdBaselineProcess(size: number): string {
  const graph = buildRunnerGraph(size);
  const failures: Record<string, string[]> = {};
  graph.names.forEach((name, k) => {
    const { policy, failures: count = 0 } = describeRunnerOp(k);
    const mode = policy === undefined ? 'plain' : compileRetryPolicy(policy).retryMode;
    failures[name] = Array.from({ length: count }, (_, i) => (mode === 'indexed' ? retryAttemptErrorName(i + 1) : RETRY_ERROR));
  });
  const directory = mkdtempSync(join(tmpdir(), 'stepops-bench-'));
  const fixturePath = join(directory, `cold-baseline-${size}.json`);
  writeFileSync(fixturePath, JSON.stringify({ definition: buildBareMachine(graph, 'JSONPath'), failures }));
  const packageUrl = pathToFileURL(createRequire(import.meta.url).resolve('aws-local-stepfunctions')).href;
  const scriptPath = join(directory, `cold-baseline-${size}.mjs`);
  writeFileSync(scriptPath, buildScript(packageUrl, fixturePath));
  return scriptPath;
}
