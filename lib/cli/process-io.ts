import type { CliIo, CliOutput } from './cli-io.js';
import { createDefaultSfnClient } from './aws/sfn-client.js';
import { createWriteCoalescer, type WriteCoalescer, type WriteTarget } from './coalesce-writes.js';

/**
 * The I/O of the real process. A closed pipe (`stepops run ... | head -1`) ends the command
 * quietly, exit 0, instead of an unhandled EPIPE: the reader has what it asked for.
 */
export function createProcessIo(): CliIo {
  const coalescer = createWriteCoalescer();
  // Whatever waits is written before the process ends, however it ends (process.exit, an
  // uncaught exception: before Node prints it).
  process.on('exit', coalescer.flush);
  process.on('uncaughtExceptionMonitor', coalescer.flush);
  return {
    stdout: createStreamOutput(process.stdout, coalescer),
    stderr: createStreamOutput(process.stderr, coalescer),
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

function createStreamOutput(stream: NodeJS.WriteStream, coalescer: WriteCoalescer): CliOutput {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      coalescer.discard();
      process.exit(0);
    }
    throw error;
  });
  const target = writeAfterCoalescedText(stream, coalescer);
  return {
    write: (text) => {
      coalescer.write(target, text);
    },
    isTTY: stream.isTTY,
    get columns() {
      return stream.isTTY ? stream.columns : undefined;
    },
  };
}

/**
 * The stream's own write, for the coalescer; anyone else writing to the stream (an op's
 * console.log, a library's warning) now first writes what the coalescer holds, so that lines keep
 * the order they were written in.
 */
function writeAfterCoalescedText(stream: NodeJS.WriteStream, coalescer: WriteCoalescer): WriteTarget {
  const streamWrite = stream.write.bind(stream);
  stream.write = ((...args: Parameters<typeof streamWrite>) => {
    coalescer.flush();
    return streamWrite(...args);
  }) as typeof stream.write;
  return { write: (text) => streamWrite(text) };
}
