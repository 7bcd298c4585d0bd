import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './helpers.js';

export interface ProcessRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** tsx's loader by URL, so that it resolves from any cwd. */
const TSX_LOADER = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** How runScript (and runStepops) run their child process. */
export interface ScriptOptions {
  cwd?: string;
  env?: Record<string, string>;
  closeStdoutAfterFirstChunk?: boolean;
  /** Called with everything read so far after each chunk (to send the child a signal once it has printed something). */
  onOutput?: (output: { readonly stdout: string; readonly stderr: string }, child: ChildProcess) => void;
}

/** The real command from the sources, `node --import tsx lib/cli/bin.ts <argv>` (dist/cli/bin.js once built), in a child process, no terminal, no AWS profile. */
export function runStepops(argv: readonly string[], options: ScriptOptions = {}): Promise<ProcessRun> {
  return runScript(join(REPO_ROOT, 'lib/cli/bin.ts'), argv, options);
}

/** `node --import tsx <script> <argv>` in a child process, no terminal, no AWS profile: its exit code and output. */
export function runScript(script: string, argv: readonly string[] = [], options: ScriptOptions = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, script, ...argv], {
      cwd: options.cwd ?? REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        // The test run's own temporary directory (test/support/temporary-directory.ts).
        ...(process.env.TMPDIR === undefined ? {} : { TMPDIR: process.env.TMPDIR }),
        AWS_CONFIG_FILE: '/nonexistent/stepops-test-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/stepops-test-credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      // As `| head -1` does: the reader goes away after its first line.
      if (options.closeStdoutAfterFirstChunk === true) child.stdout.destroy();
      options.onOutput?.({ stdout, stderr }, child);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      options.onOutput?.({ stdout, stderr }, child);
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

/**
 * A Step Functions endpoint on 127.0.0.1 (port 0) that answers the JSON 1.0 protocol from
 * `answer(operation, request)`, so the real SDK client of a child process can be pointed at
 * it with AWS_ENDPOINT_URL_SFN. Dates in answers must be epoch seconds.
 */
export async function startFakeSfn(answer: (operation: string, request: Record<string, unknown>) => unknown): Promise<{ url: string; server: Server; operations: string[] }> {
  const operations: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => void (body += chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
      operations.push(operation);
      const result = answer(operation, JSON.parse(body || '{}') as Record<string, unknown>);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, operations };
}

/** History events as the service sends them: timestamps in epoch seconds. */
export function toWireEvents(events: readonly { timestamp?: Date }[]): unknown[] {
  return events.map((event) => ({ ...event, timestamp: (event.timestamp?.getTime() ?? 0) / 1000 }));
}
