import { formatFailure, readJobFailureCause, describeFailure } from './describe-failure.js';
import { formatSeconds, formatWaits, renderTable, truncateText } from './format-text.js';
import type { Style } from './style.js';
import type { ExecutionSummary, OpRunSummary } from './summarize-execution.js';
import { buildOutputKey } from '../../io/io-manager.js';
import { STORED_BYTES_KEY, STORED_KEY, STORED_RUN_KEY, isOpStoredEnvelope } from '../../job/wire-protocol.js';

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
    if (jobFailure.skippedOps.length > 0) {
      const more = jobFailure.omittedSkippedOps === undefined ? '' : ` and ${jobFailure.omittedSkippedOps} more`;
      lines.push(`  ${style.yellow('skipped')} ${jobFailure.skippedOps.join(', ')}${more} (downstream of a failed op)`);
    }
    lines.push(...renderSucceededValues(summary, style, options.maxOutcomeWidth ?? 100));
  } else {
    lines.push(`  ${formatFailure(describeFailure(error.error, error.cause))}`);
  }
  return lines;
}

/** Value lines shown after a job failure; the rest are counted (`--json` has them all). */
const MAX_VALUE_LINES = 20;

/**
 * After a job failure: where each succeeded op's value is, read from the history (every op,
 * not only those the failure Cause lists): the inline value, or the IO manager's key of a
 * stored one (`<run id>/<op>/<retry number>.json` under the IO manager's prefix).
 */
export function renderSucceededValues(summary: ExecutionSummary, style: Style, maxWidth: number): string[] {
  const succeeded = summary.ops.filter((op) => op.outcome === 'succeeded' || op.outcome === 'reused');
  if (succeeded.length === 0) return [];
  const lines = [`  ${style.green('succeeded')} ${succeeded.length} op${succeeded.length === 1 ? '' : 's'}; their values:`];
  for (const op of succeeded.slice(0, MAX_VALUE_LINES)) {
    const envelope = op.recorded;
    if (isOpStoredEnvelope(envelope)) {
      const runId = envelope[STORED_RUN_KEY] ?? summary.runId ?? '<run id>';
      const key = buildOutputKey('', { runId, op: op.name, retryNumber: envelope[STORED_KEY] });
      lines.push(`    ${op.name}: stored by the IO manager at <prefix>${key} (${envelope[STORED_BYTES_KEY]} bytes)`);
    } else {
      lines.push(truncateText(`    ${op.name}: ${JSON.stringify(op.output ?? null)}`, maxWidth));
    }
  }
  const more = succeeded.length - MAX_VALUE_LINES;
  if (more > 0) lines.push(`    ... and ${more} more (--json gives every op's output)`);
  return lines;
}

function renderOutcome(op: OpRunSummary, style: Style, maxWidth: number): string {
  switch (op.outcome) {
    case 'succeeded':
      return style.green('succeeded');
    case 'failed':
      return style.red(truncateText(`failed: ${op.finalError === undefined ? 'unknown error' : formatFailure(op.finalError)}`, maxWidth));
    case 'skipped':
      return style.yellow(
        truncateText(
          `skipped (upstream failed: ${(op.failedUpstream ?? []).join(', ')}${op.omittedFailedUpstream === undefined ? '' : ` and up to ${op.omittedFailedUpstream} more`})`,
          maxWidth,
        ),
      );
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
