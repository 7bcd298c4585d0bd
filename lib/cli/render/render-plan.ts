import type { CoordinationDiagnostics, HeldBackOp, OpRetryPlan, RetryMechanism, RetryWait } from '../../asl/index.js';
// From their own files: the compiler's entry would load all of lib/asl with the CLI.
import { describeCoordinationCost } from '../../asl/coordination-cost.js';
import { describeHeldBackOps } from '../../asl/held-back-ops.js';
import { describePolicySource } from './describe-policy.js';
import { formatNumberRuns, formatPlanWaitList, formatSeconds } from './format-text.js';
import type { Style } from './style.js';

/**
 * Each op's retry plan as compileJob computed it: the resolved policy and its source, the
 * mechanism, the wait before each retry (with Dagster's wait where the two differ), the
 * worst-case total wait and every deviation from Dagster.
 */
export function renderPlan(jobName: string, plans: readonly OpRetryPlan[], style: Style): string[] {
  const lines = [style.bold(`Retry plan of job ${jobName}`), ''];
  const labelWidth = 11;
  const row = (label: string, value: string): string => `  ${style.dim(label.padEnd(labelWidth))} ${value}`;
  for (const plan of plans) {
    lines.push(style.bold(plan.op));
    lines.push(row('policy', plan.policy === null ? 'none' : formatPolicyJson(plan.policy)));
    lines.push(row('source', describePolicySource(plan.source)));
    lines.push(row('mechanism', describeMechanism(plan.mechanism)));
    lines.push(row('waits', plan.waits.length === 0 ? '-' : formatPlanWaitList(plan.waits.map(formatRetryWait))));
    lines.push(row('worst case', `${formatSeconds(plan.worstCaseTotalWaitSeconds)} of waits over ${plan.waits.length} ${plan.waits.length === 1 ? 'retry' : 'retries'}`));
    if (plan.deviations.length === 0) {
      lines.push(row('deviations', style.green("none: the schedule is exactly Dagster's")));
    } else {
      plan.deviations.forEach((deviation, index) => {
        const retries = deviation.retryNumbers === undefined ? '' : ` (retries ${formatNumberRuns(deviation.retryNumbers)})`;
        lines.push(row(index === 0 ? 'deviations' : '', style.yellow(`${deviation.kind}${retries}: ${deviation.message}`)));
      });
    }
    lines.push('');
  }
  return lines;
}

/**
 * The plan's concurrency section: that every op starts as soon as its inputs are done, or,
 * for a graph that is not series-parallel, each op that may wait for ops it does not depend on.
 */
export function renderHeldBackOps(heldBackOps: readonly HeldBackOp[], style: Style): string[] {
  if (heldBackOps.length === 0) return [style.bold('Concurrency'), `  ${style.green('every op starts as soon as its inputs are done, whatever the ops take')}`, ''];
  return [
    style.bold('Concurrency'),
    `  ${style.yellow('the graph is not series-parallel; these ops may wait for ops they do not depend on:')}`,
    ...describeHeldBackOps(heldBackOps, MAX_PLAN_HELD_BACK_OPS).map((line) => `  ${line}`),
    '',
  ];
}

/** Held-back ops the plan lists one per line; the rest are counted (`stepops plan --json` has each). */
const MAX_PLAN_HELD_BACK_OPS = 20;

/** The Concurrency section in exact mode: the cross edges, their waits' timeouts and what they cost. */
export function renderCoordination(coordination: CoordinationDiagnostics, style: Style): string[] {
  if (coordination.crossEdges.length === 0) {
    return [style.bold('Concurrency (exact)'), `  ${style.green('series-parallel: every op starts as soon as its inputs are done, with no coordination (as structured)')}`, ''];
  }
  return [
    style.bold('Concurrency (exact)'),
    `  every op starts as soon as its inputs are done; ${describeCoordinationCost(coordination)}`,
    ...coordination.crossEdges.map((edge) => `  ${edge.consumer} waits for ${edge.producer} (TimeoutSeconds ${coordination.waitTimeoutSeconds[edge.producer]})`),
    '',
  ];
}

/** `RetryPolicy(maxRetries=3, delay=0.2, backoff=EXPONENTIAL)` from policy.toJSON(). */
export function formatPolicyJson(policy: Readonly<Record<string, unknown>>): string {
  const fields = Object.entries(policy).map(([key, value]) => `${key}=${Array.isArray(value) ? `[${value.join(',')}]` : String(value)}`);
  return `RetryPolicy(${fields.join(', ')})`;
}

/** One retry's compiled wait, and Dagster's when it differs: `1s (Dagster 0.2s)`, `0–60s`. */
export function formatRetryWait(wait: RetryWait): string {
  const compiled = formatRange(wait.compiledSeconds.min, wait.compiledSeconds.max);
  const dagster = formatRange(wait.dagsterSeconds.min, wait.dagsterSeconds.max);
  return compiled === dagster ? compiled : `${compiled} (Dagster ${dagster})`;
}

/** The compiled wait before retry `retryNumber` (1-based), for the live view; exact seconds when not jittered. */
export function findPlannedWait(plan: OpRetryPlan | undefined, retryNumber: number): { readonly text: string; readonly seconds?: number } | undefined {
  const wait = plan?.waits[retryNumber - 1];
  if (wait === undefined) return undefined;
  const { min, max } = wait.compiledSeconds;
  return min === max ? { text: formatSeconds(max), seconds: max } : { text: formatRange(min, max) };
}

function formatRange(min: number, max: number): string {
  return min === max ? formatSeconds(min) : `${formatSeconds(min)}–${formatSeconds(max)}`;
}

function describeMechanism(mechanism: RetryMechanism): string {
  switch (mechanism) {
    case 'none':
      return 'none (no policy retries; a RetryRequested still retries through the wait loop)';
    case 'plain-retrier':
      return 'plain-retrier (one native Retry block)';
    case 'indexed-retriers':
      return 'indexed-retriers (one native retrier per retry, selected by attempt-indexed error names)';
    case 'wait-loop':
      return 'wait-loop (Catch -> Wait -> Task, the wait computed at run time)';
    case 'native-fit':
      return 'native-fit (one geometric retrier fitted to the schedule)';
  }
}
