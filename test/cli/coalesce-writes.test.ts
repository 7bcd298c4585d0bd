import { describe, expect, it } from 'vitest';
import { createWriteCoalescer, type WriteTarget } from '../../lib/cli/coalesce-writes.js';

/** Two fake streams writing into one log, as stdout and stderr do on one terminal. */
function createTerminal(): { log: string[]; stdout: WriteTarget; stderr: WriteTarget } {
  const log: string[] = [];
  return { log, stdout: { write: (text: string) => log.push(`out:${text}`) }, stderr: { write: (text: string) => log.push(`err:${text}`) } };
}

/** A schedule the test runs by hand: the end of the macrotask. */
function createManualSchedule(): { schedule: (flush: () => void) => void; runPending: () => void; pending: () => number } {
  const queue: (() => void)[] = [];
  return {
    schedule: (flush) => queue.push(flush),
    runPending: () => {
      for (const flush of queue.splice(0)) flush();
    },
    pending: () => queue.length,
  };
}

describe('createWriteCoalescer', () => {
  it('joins the writes of one macrotask into one write, written when the macrotask ends', () => {
    const terminal = createTerminal();
    const manual = createManualSchedule();
    const coalescer = createWriteCoalescer({ schedule: manual.schedule });
    coalescer.write(terminal.stdout, 'a\n');
    coalescer.write(terminal.stdout, 'b\n');
    coalescer.write(terminal.stdout, 'c\n');
    expect(terminal.log).toStrictEqual([]);
    expect(manual.pending()).toBe(1);
    manual.runPending();
    expect(terminal.log).toStrictEqual(['out:a\nb\nc\n']);
    coalescer.write(terminal.stdout, 'd\n');
    manual.runPending();
    expect(terminal.log).toStrictEqual(['out:a\nb\nc\n', 'out:d\n']);
  });

  it('keeps the order across streams: a write to the other stream writes what waits first', () => {
    const terminal = createTerminal();
    const manual = createManualSchedule();
    const coalescer = createWriteCoalescer({ schedule: manual.schedule });
    coalescer.write(terminal.stdout, '1');
    coalescer.write(terminal.stdout, '2');
    coalescer.write(terminal.stderr, '3');
    coalescer.write(terminal.stdout, '4');
    coalescer.write(terminal.stderr, '5');
    coalescer.write(terminal.stderr, '6');
    manual.runPending();
    expect(terminal.log).toStrictEqual(['out:12', 'err:3', 'out:4', 'err:56']);
  });

  it('writes at once when the buffer is full, and on flush(); discard() drops what waits', () => {
    const terminal = createTerminal();
    const manual = createManualSchedule();
    const coalescer = createWriteCoalescer({ schedule: manual.schedule, maxBufferedCharacters: 5 });
    coalescer.write(terminal.stdout, 'abc');
    coalescer.write(terminal.stdout, 'de');
    expect(terminal.log).toStrictEqual(['out:abcde']);
    coalescer.write(terminal.stdout, 'f');
    coalescer.flush();
    expect(terminal.log).toStrictEqual(['out:abcde', 'out:f']);
    coalescer.write(terminal.stdout, 'lost');
    coalescer.discard();
    manual.runPending();
    coalescer.flush();
    expect(terminal.log).toStrictEqual(['out:abcde', 'out:f']);
  });

  it('ignores empty writes and, by default, writes once the current macrotask is over (setImmediate)', async () => {
    const terminal = createTerminal();
    const coalescer = createWriteCoalescer();
    coalescer.write(terminal.stdout, '');
    coalescer.write(terminal.stdout, 'x');
    await Promise.resolve();
    expect(terminal.log).toStrictEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(terminal.log).toStrictEqual(['out:x']);
  });
});
