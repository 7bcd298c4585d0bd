import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { LogRecord } from '../../job/index.js';
import type { CliOutput } from '../cli-io.js';
import type { ProgressTracker } from './describe-progress.js';
import { formatSeconds, truncateText } from './format-text.js';
import type { Style } from './style.js';

export interface ProgressReporterOptions {
  readonly style: Style;
  /** Show a live countdown line during retry waits (real time on a terminal). @default false */
  readonly countdown?: boolean;
  /**
   * Which log lines to print (dimmed): 'ops' the ops' own `ctx.log` lines, 'all' also the
   * wrapper's decision lines (which the progress lines already tell), 'none'.
   * @default 'ops'
   */
  readonly logs?: LogMode;
  /** Wall clock for the countdown, epoch ms. @default Date.now */
  readonly now?: () => number;
}

/** Writes a tracker's lines as events arrive; owns the countdown line on a terminal. */
export interface ProgressReporter {
  onEvent(event: HistoryEvent): void;
  writeLog(record: LogRecord): void;
  /** A line of its own between the progress lines (dimmed), e.g. a child execution being followed. */
  writeNote(text: string): void;
  /** Clears the countdown line and stops its timer. */
  finish(): void;
}

/** Which log lines `stepops run` prints. */
export type LogMode = 'ops' | 'all' | 'none';

const CLEAR_LINE = '\r\u001b[2K';

export function createProgressReporter(output: CliOutput, tracker: ProgressTracker, options: ProgressReporterOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const logs = options.logs ?? 'ops';
  const deadlines = new Map<string, { retryNumber: number; at: number }>();
  let timer: NodeJS.Timeout | undefined;
  let statusShown = false;

  const renderStatus = (): void => {
    if (statusShown) output.write(CLEAR_LINE);
    statusShown = false;
    if (deadlines.size === 0) return;
    const parts = [...deadlines.entries()].map(([op, wait]) => `${op} retry ${wait.retryNumber} in ${formatSeconds(Math.max(0, Math.ceil((wait.at - now()) / 1000)))}`);
    // One terminal row, never wrapped: a wrapped line could not be cleared with one CLEAR_LINE.
    output.write(options.style.dim(truncateText(`            waiting: ${parts.join(', ')}`, Math.max(20, (output.columns ?? 80) - 1))));
    statusShown = true;
  };

  const writeLines = (lines: readonly string[]): void => {
    if (lines.length === 0) return;
    if (statusShown) {
      output.write(CLEAR_LINE);
      statusShown = false;
    }
    output.write(`${lines.join('\n')}\n`);
    if (options.countdown === true) renderStatus();
  };

  const updateTimer = (): void => {
    if (deadlines.size > 0 && timer === undefined) {
      timer = setInterval(renderStatus, 250);
      timer.unref();
    } else if (deadlines.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
      renderStatus();
    }
  };

  return {
    onEvent(event) {
      const update = tracker.describeEvent(event);
      if (options.countdown === true) {
        if (update.waitEnded !== undefined) deadlines.delete(update.waitEnded);
        if (update.waitStarted !== undefined) {
          deadlines.set(update.waitStarted.op, { retryNumber: update.waitStarted.retryNumber, at: now() + update.waitStarted.seconds * 1000 });
        }
        updateTimer();
      }
      writeLines(update.lines);
    },
    writeLog(record) {
      if (logs === 'none' || (logs === 'ops' && 'decision' in record)) return;
      writeLines(tracker.describeLog(record));
    },
    writeNote(text) {
      writeLines([options.style.dim(text)]);
    },
    finish() {
      deadlines.clear();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      if (statusShown) output.write(CLEAR_LINE);
      statusShown = false;
    },
  };
}
