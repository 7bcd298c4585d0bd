import { formatFailure, readJobFailureCause, describeFailure } from './describe-failure.js';
import { formatSeconds, formatWaits, renderTable, truncateText } from './format-text.js';
import type { Style } from './style.js';
import type { ExecutionSummary, OpRunSummary } from './summarize-execution.js';

export interface RenderTimelineOptions {
  readonly style: Style;
  /** Said after the elapsed time, e.g. 'virtual time'. @default - nothing */
  readonly clockLabel?: string;
  /** Longest outcome text in the table. @default 100 */
  readonly maxOutcomeWidth?: number;
}

/**
 * The end-of-run view, the same for local runs and executions on AWS: one row per op
 * (attempts, waits between them, outcome), then the status with the output or the error.
 */
export function renderTimeline(summary: ExecutionSummary, options: RenderTimelineOptions): string[] {
  const { style } = options;
  const maxOutcomeWidth = options.maxOutcomeWidth ?? 100;
  const rows = summary.ops.map((op) => [op.name, String(op.attempts), formatWaits(op.waitsSeconds), renderOutcome(op, style, maxOutcomeWidth)]);
  const lines = [style.bold('Timeline'), ...renderTable(['op', 'attempts', 'waits', 'outcome'], rows).map((line, index) => (index === 0 ? style.dim(line) : line)), ''];
  lines.push(...renderExecutionResult(summary, options));
  return lines;
}

/** The closing lines: status and elapsed time, then the output or what failed. */
export function renderExecutionResult(summary: ExecutionSummary, options: RenderTimelineOptions): string[] {
  const { style } = options;
  const elapsed = `in ${formatSeconds(summary.elapsedSeconds)}${options.clockLabel === undefined ? '' : ` (${options.clockLabel})`}`;
  if (summary.status === 'SUCCEEDED') {
    return [`${style.green(style.bold('SUCCEEDED'))} ${elapsed}`, `${style.bold('Output:')} ${formatJsonText(summary.output ?? 'null')}`];
  }
  if (summary.status === 'RUNNING') return [`${style.yellow(style.bold('RUNNING'))} for ${formatSeconds(summary.elapsedSeconds)} so far`];
  const error = summary.error ?? { error: '', cause: '' };
  const lines = [`${style.red(style.bold(summary.status))} ${elapsed}: ${style.red(error.error)}`];
  const jobFailure = readJobFailureCause(error.cause);
  if (jobFailure !== undefined) {
    for (const failed of jobFailure.failedOps) {
      lines.push(`  ${style.red('failed')}  ${failed.op}: ${formatFailure(describeFailure(failed.error, failed.cause))}`);
    }
    if (jobFailure.skippedOps.length > 0) lines.push(`  ${style.yellow('skipped')} ${jobFailure.skippedOps.join(', ')} (downstream of a failed op)`);
  } else {
    lines.push(`  ${formatFailure(describeFailure(error.error, error.cause))}`);
  }
  return lines;
}

function renderOutcome(op: OpRunSummary, style: Style, maxWidth: number): string {
  switch (op.outcome) {
    case 'succeeded':
      return style.green('succeeded');
    case 'failed':
      return style.red(truncateText(`failed: ${op.finalError === undefined ? 'unknown error' : formatFailure(op.finalError)}`, maxWidth));
    case 'skipped':
      return style.yellow(truncateText(`skipped (upstream failed: ${(op.failedUpstream ?? []).join(', ')})`, maxWidth));
    case 'reused':
      return style.dim(`reused (output of run ${op.reusedFrom ?? 'parent'})`);
    case 'running':
      return style.cyan('running');
    case 'not-run':
      return style.dim('not run');
  }
}

/** JSON text on one line when short, indented otherwise. */
export function formatJsonText(json: string): string {
  try {
    const value = JSON.parse(json) as unknown;
    const compact = JSON.stringify(value);
    return compact.length <= 100 ? compact : JSON.stringify(value, null, 2);
  } catch {
    return json;
  }
}
