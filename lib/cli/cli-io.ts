import type { SfnClientLike } from './aws/sfn-client.js';

/** Where the CLI writes: a process stream, or a buffer in tests. */
export interface CliOutput {
  write(text: string): void;
  /** True when the stream is a terminal (colours, countdowns). @default false */
  readonly isTTY?: boolean;
  /** The terminal's width in columns, when it is one (the live status line fits in it). @default - unknown: 80 */
  readonly columns?: number;
}

/** Options the AWS commands pass when they need a Step Functions client. */
export interface SfnClientOptions {
  /** @default - the SDK's own resolution (AWS_REGION, profile) */
  readonly region?: string;
}

/** Everything the CLI touches outside itself, so that `main` runs in-process in tests. */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Module paths and `@file` inputs resolve against it. */
  readonly cwd: string;
  /** Read for NO_COLOR and STEPOPS_DEBUG. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Creates the Step Functions client of `start` and `watch` (tests pass a mocked one). */
  readonly createSfnClient: (options: SfnClientOptions) => SfnClientLike;
  /** Waits between `watch` polls. */
  readonly sleep: (seconds: number) => Promise<void>;
  /**
   * Calls `handler` on the first Ctrl-C (SIGINT) until the returned function is called; a second
   * Ctrl-C ends the process as Node does.
   * @default - Ctrl-C is not caught
   */
  readonly onInterrupt?: (handler: () => void) => () => void;
}
