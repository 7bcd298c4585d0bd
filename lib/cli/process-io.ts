import type { CliIo, CliOutput } from './cli-io.js';
import { createDefaultSfnClient } from './aws/sfn-client.js';

/**
 * The I/O of the real process. A closed pipe (`stepops run ... | head -1`) ends the command
 * quietly, exit 0, instead of an unhandled EPIPE: the reader has what it asked for.
 */
export function createProcessIo(): CliIo {
  return {
    stdout: createStreamOutput(process.stdout),
    stderr: createStreamOutput(process.stderr),
    cwd: process.cwd(),
    env: process.env,
    createSfnClient: createDefaultSfnClient,
    sleep: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
    onInterrupt: (handler) => {
      process.once('SIGINT', handler);
      return () => void process.removeListener('SIGINT', handler);
    },
  };
}

/**
 * Keeps the AWS SDK's own notices (its Node.js version-support warning, printed on stderr
 * when a client is created) out of our commands' output, unless the user has set the
 * variable either way. Only the stepops process entry calls this.
 */
export function silenceAwsSdkNotices(env: NodeJS.ProcessEnv): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

function createStreamOutput(stream: NodeJS.WriteStream): CliOutput {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    write: (text) => void stream.write(text),
    isTTY: stream.isTTY,
    get columns() {
      return stream.isTTY ? stream.columns : undefined;
    },
  };
}
