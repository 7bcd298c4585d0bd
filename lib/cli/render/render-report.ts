import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { OpRetryPlan } from '../../asl/index.js';
import { summarizeTaskAttempts } from '../../runner/index.js';
import { describeFailure, formatFailure } from './describe-failure.js';
import { formatPlanWaitList, formatSeconds, truncateText } from './format-text.js';
import type { ExecutionSummary, OpRunSummary } from './summarize-execution.js';

/** What the HTML report shows: one execution, local or on AWS. */
export interface ReportInput {
  /** The heading, e.g. the job's or the execution's name. */
  readonly title: string;
  /** Said under the heading: where it ran, the clock. */
  readonly subtitle: string;
  readonly summary: ExecutionSummary;
  /** The execution's history (a split job's merged), GetExecutionHistory's shape. */
  readonly history: readonly HistoryEvent[];
  /** The job graph: each op and the ops whose outputs it takes. @default - the ops of the summary, no edges */
  readonly graph?: readonly { readonly name: string; readonly inputs: readonly string[] }[];
  /** Each op's retry plan (compileJob). @default - none shown */
  readonly retryPlans?: readonly OpRetryPlan[];
}

interface AttemptBar {
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly outcome: 'succeeded' | 'failed' | 'timedOut' | 'unfinished';
  readonly label: string;
}

interface WaitGap {
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly label: string;
  readonly reason: string;
}

/**
 * The run as one self-contained HTML file (inline CSS and SVG, no script, nothing fetched):
 * the job graph, a Gantt timeline with a row per op, each attempt a bar, each retry wait a gap
 * labelled with its reason and length, failed, skipped and reused ops marked, and each op's
 * retry plan beside its row. The same for local runs and executions on AWS.
 */
export function renderHtmlReport(input: ReportInput): string {
  const { summary } = input;
  const total = Math.max(summary.elapsedSeconds, 1e-9);
  const startMs = input.history[0]?.timestamp?.getTime() ?? 0;
  const attemptsByOp = readAttempts(input.history, startMs);
  const plans = new Map((input.retryPlans ?? []).map((plan) => [plan.op, plan]));
  const rows = summary.ops.map((op) => renderRow(op, attemptsByOp.get(op.name) ?? { bars: [], gaps: [] }, total, plans.get(op.name)));
  const graph = input.graph ?? summary.ops.map((op) => ({ name: op.name, inputs: [] }));
  const outcomes = new Map(summary.ops.map((op) => [op.name, op.outcome]));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`stepops: ${input.title}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(input.title)} <span class="status status-${summary.status.toLowerCase()}">${escapeHtml(summary.status)}</span></h1>
  <p class="subtitle">${escapeHtml(input.subtitle)} · ${escapeHtml(formatSeconds(summary.elapsedSeconds))} · ${summary.ops.length} ops</p>
</header>
<section class="graph"><h2>Job graph</h2>${renderGraph(graph, outcomes)}</section>
<section class="timeline"><h2>Timeline</h2>
<div class="gantt">
  <div class="gantt-head"><div class="cell-op">op</div><div class="cell-track">${renderAxis(total)}</div><div class="cell-plan">retry plan</div></div>
${rows.join('\n')}
</div>
<p class="legend"><span class="swatch bar succeeded"></span> attempt that succeeded <span class="swatch bar failed"></span> failed attempt <span class="swatch gap-swatch"></span> retry wait (reason, length) <span class="swatch skipped-swatch"></span> skipped (downstream of a failed op) <span class="swatch reused-swatch"></span> reused from the parent run</p>
</section>
</body>
</html>
`;
}

function renderRow(op: OpRunSummary, attempts: { bars: AttemptBar[]; gaps: WaitGap[] }, total: number, plan: OpRetryPlan | undefined): string {
  const percent = (seconds: number): string => `${Math.min(100, Math.max(0, (seconds / total) * 100)).toFixed(3)}%`;
  const width = (from: number, to: number): string => `${Math.max(0, ((to - from) / total) * 100).toFixed(3)}%`;
  // A skipped or reused op's Task ran the wrapper, not the op's code: no attempt to draw.
  const noAttempts = op.outcome === 'skipped' || op.outcome === 'reused';
  const bars = (noAttempts ? [] : attempts.bars).map(
    (bar, index) =>
      `<div class="bar ${bar.outcome === 'timedOut' ? 'failed' : bar.outcome}" data-attempt="${index + 1}" style="left:${percent(bar.startSeconds)};width:${width(bar.startSeconds, bar.endSeconds)}" title="${escapeHtml(bar.label)}"></div>`,
  );
  const gaps = (noAttempts ? [] : attempts.gaps).map(
    (gap) =>
      `<div class="gap" style="left:${percent(gap.startSeconds)};width:${width(gap.startSeconds, gap.endSeconds)}" title="${escapeHtml(gap.reason)}"><span class="gap-label">${escapeHtml(gap.label)}</span></div>`,
  );
  const note = describeRowOutcome(op);
  return `  <div class="row outcome-${op.outcome}" data-op="${escapeHtml(op.name)}">
    <div class="cell-op"><span class="op-name">${escapeHtml(op.name)}</span><span class="outcome">${escapeHtml(note)}</span></div>
    <div class="cell-track">${[...gaps, ...bars].join('')}${op.outcome === 'skipped' || op.outcome === 'reused' || op.outcome === 'not-run' ? `<span class="track-note">${escapeHtml(note)}</span>` : ''}</div>
    <div class="cell-plan">${escapeHtml(describePlan(plan))}</div>
  </div>`;
}

function describeRowOutcome(op: OpRunSummary): string {
  const attempts = `${op.attempts} ${op.attempts === 1 ? 'attempt' : 'attempts'}`;
  switch (op.outcome) {
    case 'succeeded':
      return `succeeded, ${attempts}`;
    case 'failed':
      return `failed after ${attempts}: ${truncateText(op.finalError === undefined ? 'unknown error' : formatFailure(op.finalError), 120)}`;
    case 'skipped':
      return `skipped (upstream failed: ${(op.failedUpstream ?? []).join(', ')})`;
    case 'reused':
      return `reused from ${op.reusedFrom ?? 'the parent run'}`;
    case 'running':
      return `running, ${attempts}`;
    case 'not-run':
      return 'not run';
  }
}

function describePlan(plan: OpRetryPlan | undefined): string {
  if (plan === undefined) return '';
  if (plan.waits.length === 0) return `${plan.mechanism}: no retries`;
  const waits = formatPlanWaitList(plan.waits.map(({ compiledSeconds: { min, max } }) => (min === max ? formatSeconds(min) : `${formatSeconds(min)}–${formatSeconds(max)}`)));
  return `${plan.mechanism}: ${waits}; worst case ${formatSeconds(plan.worstCaseTotalWaitSeconds)}`;
}

/** Each op's attempts (bars) and the waits between them (gaps), in seconds from the execution's start. */
function readAttempts(history: readonly HistoryEvent[], startMs: number): Map<string, { bars: AttemptBar[]; gaps: WaitGap[] }> {
  const byOp = new Map<string, { bars: AttemptBar[]; gaps: WaitGap[] }>();
  const lastEndMs = history.at(-1)?.timestamp?.getTime() ?? startMs;
  const previous = new Map<string, { endMs: number; reason: string }>();
  for (const visit of summarizeTaskAttempts(history)) {
    const entry = byOp.get(visit.stateName) ?? { bars: [], gaps: [] };
    byOp.set(visit.stateName, entry);
    for (const attempt of visit.attempts) {
      const scheduledMs = attempt.scheduledAt.getTime();
      const endMs = attempt.endedAt?.getTime() ?? lastEndMs;
      const before = previous.get(visit.stateName);
      if (before !== undefined) {
        const seconds = (scheduledMs - before.endMs) / 1000;
        entry.gaps.push({
          startSeconds: (before.endMs - startMs) / 1000,
          endSeconds: (scheduledMs - startMs) / 1000,
          label: `wait ${formatSeconds(seconds)}: ${truncateText(before.reason, 60)}`,
          reason: `retry ${entry.bars.length} waited ${formatSeconds(seconds)} after ${before.reason}`,
        });
      }
      const failure = attempt.outcome === 'failed' || attempt.outcome === 'timedOut' ? formatFailure(describeFailure(attempt.error, attempt.cause)) : undefined;
      entry.bars.push({
        startSeconds: (scheduledMs - startMs) / 1000,
        endSeconds: (endMs - startMs) / 1000,
        outcome: attempt.outcome,
        label: `attempt ${entry.bars.length + 1}: ${failure ?? attempt.outcome} (${formatSeconds((endMs - scheduledMs) / 1000)})`,
      });
      if (failure !== undefined) previous.set(visit.stateName, { endMs, reason: failure });
      else previous.delete(visit.stateName);
    }
  }
  return byOp;
}

function renderAxis(total: number): string {
  return [0, 0.25, 0.5, 0.75, 1]
    .map((fraction) => `<span class="tick" style="left:${(fraction * 100).toFixed(1)}%">${escapeHtml(`+${formatSeconds(fraction * total)}`)}</span>`)
    .join('');
}

/** The job graph as inline SVG: ops in columns by depth (longest chain of inputs), an arrow per input. */
function renderGraph(graph: readonly { readonly name: string; readonly inputs: readonly string[] }[], outcomes: ReadonlyMap<string, string>): string {
  const depth = new Map<string, number>();
  const byName = new Map(graph.map((node) => [node.name, node]));
  const depthOf = (name: string, seen: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 0;
    seen.add(name);
    const inputs = byName.get(name)?.inputs ?? [];
    const value = inputs.length === 0 ? 0 : 1 + Math.max(...inputs.map((input) => depthOf(input, seen)));
    depth.set(name, value);
    return value;
  };
  const columns: string[][] = [];
  for (const node of graph) (columns[depthOf(node.name, new Set())] ??= []).push(node.name);
  const nodeWidth = 150;
  const nodeHeight = 34;
  const position = new Map<string, { x: number; y: number }>();
  columns.forEach((names, column) => names.forEach((name, row) => position.set(name, { x: 10 + column * (nodeWidth + 50), y: 10 + row * (nodeHeight + 20) })));
  const width = 20 + columns.length * (nodeWidth + 50) - 50;
  const height = 20 + Math.max(1, ...columns.map((names) => names.length)) * (nodeHeight + 20) - 20;
  const edges = graph.flatMap((node) =>
    [...new Set(node.inputs)].map((input) => {
      const from = position.get(input);
      const to = position.get(node.name);
      if (from === undefined || to === undefined) return '';
      const x1 = from.x + nodeWidth;
      const y1 = from.y + nodeHeight / 2;
      const x2 = to.x;
      const y2 = to.y + nodeHeight / 2;
      return `<path class="edge" data-from="${escapeHtml(input)}" data-to="${escapeHtml(node.name)}" d="M${x1},${y1} C${x1 + 25},${y1} ${x2 - 25},${y2} ${x2},${y2}" marker-end="url(#arrow)"/>`;
    }),
  );
  const nodes = graph.map((node) => {
    const at = position.get(node.name)!;
    return `<g class="node outcome-${escapeHtml(outcomes.get(node.name) ?? 'not-run')}" data-op="${escapeHtml(node.name)}"><rect x="${at.x}" y="${at.y}" width="${nodeWidth}" height="${nodeHeight}" rx="6"/><text x="${at.x + nodeWidth / 2}" y="${at.y + nodeHeight / 2 + 4}">${escapeHtml(truncateText(node.name, 20))}</text></g>`;
  });
  return `<svg class="graph-svg" role="img" aria-label="job graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker></defs>${edges.join('')}${nodes.join('')}</svg>`;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

const STYLE = `
:root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827; background: #fff; }
body { margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 24px 0 8px; color: #374151; }
.subtitle { margin: 0; color: #6b7280; font-size: 13px; }
.status { font-size: 12px; padding: 2px 8px; border-radius: 10px; vertical-align: middle; color: #fff; background: #6b7280; }
.status-succeeded { background: #15803d; } .status-failed, .status-timed_out, .status-aborted { background: #b91c1c; } .status-running { background: #1d4ed8; }
.graph-svg .edge { fill: none; stroke: #9ca3af; stroke-width: 1.5; }
.graph-svg rect { fill: #ecfdf5; stroke: #15803d; }
.graph-svg text { font-size: 12px; text-anchor: middle; fill: #111827; }
.graph-svg .outcome-failed rect { fill: #fef2f2; stroke: #b91c1c; }
.graph-svg .outcome-skipped rect, .graph-svg .outcome-not-run rect { fill: #f3f4f6; stroke: #9ca3af; stroke-dasharray: 4 3; }
.graph-svg .outcome-reused rect { fill: #eff6ff; stroke: #1d4ed8; stroke-dasharray: 4 3; }
.graph-svg .outcome-running rect { fill: #eff6ff; stroke: #1d4ed8; }
.gantt { border: 1px solid #e5e7eb; border-radius: 6px; font-size: 12px; }
.gantt-head, .row { display: grid; grid-template-columns: 220px 1fr 280px; align-items: center; border-bottom: 1px solid #f3f4f6; }
.gantt-head { color: #6b7280; background: #f9fafb; height: 28px; }
.row { min-height: 44px; }
.cell-op { padding: 4px 10px; display: flex; flex-direction: column; }
.op-name { font-weight: 600; }
.outcome { color: #6b7280; font-size: 11px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.outcome-failed .outcome { color: #b91c1c; }
.cell-track { position: relative; height: 40px; margin: 0 16px; }
.gantt-head .cell-track { height: 28px; }
.tick { position: absolute; top: 7px; transform: translateX(-50%); white-space: nowrap; }
.cell-plan { padding: 4px 10px; color: #374151; font-size: 11px; }
.bar { position: absolute; top: 22px; height: 14px; min-width: 4px; border-radius: 3px; transform: translateX(-2px); }
.bar.succeeded { background: #16a34a; } .bar.failed { background: #dc2626; } .bar.unfinished { background: #2563eb; }
.gap { position: absolute; top: 28px; height: 2px; border-top: 2px dashed #d97706; }
.gap-label { position: absolute; top: -24px; left: 50%; transform: translateX(-50%); white-space: nowrap; color: #92400e; background: #fffbeb; border: 1px solid #fcd34d; border-radius: 3px; padding: 0 4px; font-size: 11px; }
.track-note { position: absolute; top: 20px; left: 0; color: #6b7280; font-style: italic; }
.outcome-skipped .cell-track { background: repeating-linear-gradient(45deg, #f9fafb, #f9fafb 6px, #f3f4f6 6px, #f3f4f6 12px); }
.outcome-reused .track-note { color: #1d4ed8; }
.legend { color: #6b7280; font-size: 12px; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.swatch { display: inline-block; width: 14px; height: 10px; position: static; transform: none; border-radius: 2px; }
.swatch.bar.succeeded { background: #16a34a; } .swatch.bar.failed { background: #dc2626; }
.gap-swatch { border-top: 2px dashed #d97706; height: 0; }
.skipped-swatch { background: repeating-linear-gradient(45deg, #f9fafb, #f9fafb 3px, #d1d5db 3px, #d1d5db 6px); }
.reused-swatch { border: 1px dashed #1d4ed8; background: #eff6ff; }
`;
