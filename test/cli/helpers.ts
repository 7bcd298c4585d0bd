import { SFNClient } from '@aws-sdk/client-sfn';
import { resolve } from 'node:path';
import type { CliIo } from '../../lib/cli/cli-io.js';
import { main } from '../../lib/cli/main.js';

/** The repository root: module paths in the tests are relative to it, as in a shell there. */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Seconds passed to io.sleep, in order (the watch polls). */
  readonly sleeps: readonly number[];
}

/** An SFNClient that never looks for credentials or a region (aws-sdk-client-mock intercepts send). */
export function createOfflineSfnClient(): SFNClient {
  return new SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

/** Runs `stepops <argv>` in-process with captured output, no colours and no real waiting. */
export async function runCli(argv: readonly string[], overrides: Partial<CliIo> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sleeps: number[] = [];
  const io: CliIo = {
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
    cwd: REPO_ROOT,
    env: {},
    createSfnClient: () => createOfflineSfnClient(),
    sleep: async (seconds) => void sleeps.push(seconds),
    ...overrides,
  };
  const exitCode = await main(argv, io);
  return { exitCode, stdout, stderr, sleeps };
}

/** The lines of a text, without the empty last one. */
export function linesOf(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}
