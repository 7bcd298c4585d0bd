import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { createProgressTracker } from '../../lib/cli/render/describe-progress.js';
import { createExecutionEventMerger } from '../../lib/cli/aws/merge-execution-events.js';
import { renderTimeline } from '../../lib/cli/render/render-timeline.js';
import { createStyle } from '../../lib/cli/render/style.js';
import { summarizeExecution } from '../../lib/cli/render/summarize-execution.js';
import { runStateMachine } from '../../lib/runner/index.js';
import { namedError } from '../runner/helpers.js';
import { linesOf, runCli } from './helpers.js';

const SYNC2 = 'arn:aws:states:::states:startExecution.sync:2';
const jsonata = (startAt: string, states: Record<string, unknown>) => ({ QueryLanguage: 'JSONata', StartAt: startAt, States: states });

// Parent: extract, then part1 (child: load with a retry, then a 60 s pause, then audit), then report.
const child = jsonata('load', {
  load: {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 4, MaxAttempts: 2, BackoffRate: 1 }],
    Next: 'Pause',
  },
  Pause: { Type: 'Wait', Seconds: 60, Next: 'audit' },
  audit: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true },
});
const parent = jsonata('extract', {
  extract: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'RunPart1' },
  RunPart1: { Type: 'Task', Resource: SYNC2, Arguments: { StateMachineArn: '${StepopsChildPart1Arn}', Input: { from: 'parent' } }, Next: 'report' },
  report: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Output: '{% {"done": true} %}', End: true },
});

describe('stepops run on a job split into child state machines', () => {
  it("shows the children's ops in the live progress and in one timeline; the startExecution Task is no op", async () => {
    const style = createStyle(false);
    const tracker = createProgressTracker({ style, opNames: ['extract', 'load', 'audit', 'report'] });
    const merger = createExecutionEventMerger();
    const lines: string[] = [];
    let loadCalls = 0;
    const result = await runStateMachine(parent, {
      taskHandlers: {
        extract: () => ({}),
        load: () => {
          if (loadCalls++ === 0) throw namedError('Flaky', 'first try');
          return {};
        },
        audit: () => ({}),
        report: () => ({}),
      },
      stateMachines: { '${StepopsChildPart1Arn}': child },
      onEvent: (event, source) => {
        const merged = merger.add(event, source);
        if (merged !== undefined) lines.push(...tracker.describeEvent(merged).lines);
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(lines).toStrictEqual([
      '+0s         extract  started',
      '+0s         extract  succeeded',
      '+0s         load     started',
      '+0s         load     attempt 1 failed: Flaky: first try',
      '+4s         load     retry 1 started (attempt 2 after 4s)',
      '+4s         load     succeeded on attempt 2',
      '+1m 4s      audit    started',
      '+1m 4s      audit    succeeded',
      '+1m 4s      report   started',
      '+1m 4s      report   succeeded',
    ]);
    const summary = summarizeExecution(merger.history(), { opNames: ['extract', 'load', 'audit', 'report'] });
    expect(renderTimeline(summary, { style, clockLabel: 'virtual time' })).toStrictEqual([
      'Timeline',
      'op       attempts  waits  outcome',
      'extract  1         -      succeeded',
      'load     2         4s     succeeded',
      'audit    1         -      succeeded',
      'report   1         -      succeeded',
      '',
      'SUCCEEDED in 1m 4s (virtual time)',
      'Output: {"done":true}',
    ]);
  });

  it('a failed child op shows in the timeline, and the parent fails with States.TaskFailed', async () => {
    const merger = createExecutionEventMerger();
    const result = await runStateMachine(parent, {
      taskHandlers: {
        extract: () => ({}),
        load: () => {
          throw namedError('Broken', 'always');
        },
        audit: () => ({}),
        report: () => ({}),
      },
      stateMachines: { '${StepopsChildPart1Arn}': child },
      onEvent: (event, source) => void merger.add(event, source),
    });
    expect(result.status).toBe('FAILED');
    const summary = summarizeExecution(merger.history(), { opNames: ['extract', 'load', 'audit', 'report'] });
    expect(summary.status).toBe('FAILED');
    expect(summary.error?.error).toBe('States.TaskFailed');
    expect(summary.ops.map((op) => [op.name, op.attempts, op.outcome])).toStrictEqual([
      ['extract', 1, 'succeeded'],
      ['load', 1, 'failed'],
      ['audit', 0, 'not-run'],
      ['report', 0, 'not-run'],
    ]);
  });

  it('leaves a history without children as it is', async () => {
    const merger = createExecutionEventMerger();
    const events: HistoryEvent[] = [];
    const result = await runStateMachine(jsonata('extract', { extract: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } }), {
      taskHandlers: { extract: () => ({}) },
      onEvent: (event, source) => void events.push(merger.add(event, source)!),
    });
    expect(events).toStrictEqual(result.history);
    expect(merger.history()).toStrictEqual(result.history);
  });
});

describe('stepops run --max-definition-characters (a split job end to end)', () => {
  it('shows every op of every child live and in the timeline; output as without the split', async () => {
    const split = await runCli(['run', 'test/cli/fixtures/split-chain.ts', '--max-definition-characters', '20000']);
    const whole = await runCli(['run', 'test/cli/fixtures/split-chain.ts']);
    expect(split.stderr).toBe('');
    expect(split.exitCode).toBe(0);
    const lines = linesOf(split.stdout);
    expect(lines[0]).toMatch(
      /^stepops run split_chain \(30 ops from test\/cli\/fixtures\/split-chain\.ts; virtual clock, seed 0; split into a parent and \d+ child state machines\)$/,
    );
    // Same progress and timeline as the job in one definition.
    expect(lines.slice(1)).toStrictEqual(linesOf(whole.stdout).slice(1));
    expect(lines).toContain('+4s         step5   succeeded on attempt 3');
    expect(lines).toContain('step5   3         2s + 2s = 4s  succeeded');
    expect(lines.filter((line) => line.endsWith(' started'))).toHaveLength(30);
    expect(lines).toContain('SUCCEEDED in 4s (virtual time)');
  });

  it('a failure in a child skips the downstream ops of later parts; exit 1', async () => {
    const input = JSON.stringify({ ops: { step20: { config: { fail: true } } } });
    const split = await runCli(['run', 'test/cli/fixtures/split-chain.ts', '--max-definition-characters', '20000', '--input', input]);
    const whole = await runCli(['run', 'test/cli/fixtures/split-chain.ts', '--input', input]);
    expect(split.exitCode).toBe(1);
    const lines = linesOf(split.stdout);
    expect(lines.slice(1)).toStrictEqual(linesOf(whole.stdout).slice(1));
    expect(lines).toContain('+4s         step29  skipped (upstream failed: step20)');
    expect(lines).toContain('  failed  step20: FlakyError: broken');
  });

  it('refuses a bad --max-definition-characters', async () => {
    const run = await runCli(['run', 'test/cli/fixtures/split-chain.ts', '--max-definition-characters', 'lots']);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('--max-definition-characters must be a positive integer');
  });
});
