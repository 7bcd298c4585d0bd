/** A stream the coalescer writes to: process.stdout / process.stderr, or a fake in tests. */
export interface WriteTarget {
  write(text: string): unknown;
}

export interface WriteCoalescerOptions {
  /** Runs `flush` once the current macrotask is over. @default setImmediate */
  readonly schedule?: (flush: () => void) => void;
  /** Flush at once when this many characters wait. @default 65536 */
  readonly maxBufferedCharacters?: number;
}

/** Joins the writes of several streams into few system calls, keeping their order across the streams. */
export interface WriteCoalescer {
  /** Writes `text` to `target`, now or with the writes that follow it. */
  readonly write: (target: WriteTarget, text: string) => void;
  /** Writes whatever waits, now. */
  readonly flush: () => void;
  /** Drops whatever waits (the reader is gone). */
  readonly discard: () => void;
}

/**
 * A `stepops run` of a 1,000-op job prints ~1,500 progress lines in bursts, one system call each
 * when written straight to process.stdout (about a third of the progress view's CPU time). The
 * coalescer joins consecutive writes to one stream until another stream is written (so stdout and
 * stderr lines keep their order on a shared terminal), `maxBufferedCharacters` wait, or the current
 * macrotask ends: a line reaches the stream in the same turn of the event loop it was written in,
 * before any timer or I/O callback, so a live view is as live as before.
 */
export function createWriteCoalescer(options: WriteCoalescerOptions = {}): WriteCoalescer {
  const schedule = options.schedule ?? ((flush: () => void) => void setImmediate(flush));
  const maxBufferedCharacters = options.maxBufferedCharacters ?? 65_536;
  let target: WriteTarget | undefined;
  let chunks: string[] = [];
  let bufferedCharacters = 0;
  let scheduled = false;

  const flush = (): void => {
    if (target === undefined) return;
    const text = chunks.length === 1 ? (chunks[0] ?? '') : chunks.join('');
    const written = target;
    target = undefined;
    chunks = [];
    bufferedCharacters = 0;
    written.write(text);
  };

  return {
    write(to, text) {
      if (text === '') return;
      if (target !== to) flush();
      target = to;
      chunks.push(text);
      bufferedCharacters += text.length;
      if (bufferedCharacters >= maxBufferedCharacters) {
        flush();
        return;
      }
      if (!scheduled) {
        scheduled = true;
        schedule(() => {
          scheduled = false;
          flush();
        });
      }
    },
    flush,
    discard() {
      target = undefined;
      chunks = [];
      bufferedCharacters = 0;
    },
  };
}
