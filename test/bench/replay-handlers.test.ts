/**
 * The replayed wrapper of the interpreter-alone figure (bench/replay-handlers.ts): runStateMachine
 * on a compiled job's definitions, its handlers answering as the wrapper answered in a recorded
 * runJobLocally run, takes the same path: the same events of each type, the same output, every
 * answer used once; and an op failure replayed keeps its exact error and cause.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { countEventTypes, countRecordedAnswers, createReplayHandlers, recordWrapperAnswers } from '../../bench/replay-handlers.js';
import { buildRunnerJob } from '../../bench/runner-job.js';
import { collectHistories, compileJob, runJobLocally, runStateMachine } from '../../bench/stepops.js';

describe('replayed wrapper answers', () => {
  it.each([
    { size: 40, limit: undefined },
    // Split into a parent and children: the children's Tasks are answered too.
    { size: 60, limit: 40_000 },
  ])('$size ops (limit $limit): the same events, output and failures as the recorded run', async ({ size, limit }) => {
    const job = buildRunnerJob(size);
    const compiled = compileJob(job, limit === undefined ? {} : { maxDefinitionCharacters: limit });
    expect(compiled.childDefinitions.length > 0).toBe(limit !== undefined);
    const recorded = await runJobLocally(job, { seed: 1, writeLog: () => {}, compiled });
    const recordedHistories = collectHistories(recorded);
    const answers = recordWrapperAnswers(recordedHistories);
    // One answer per op attempt: every op once, plus its scripted failures.
    const failed = recordedHistories.flat().filter((event) => event.type === 'TaskFailed');
    expect(failed.length).toBeGreaterThan(0);
    expect(countRecordedAnswers(answers)).toBe(
      recordedHistories.flat().filter((event) => event.type === 'TaskScheduled' && event.taskScheduledEventDetails?.resourceType === 'lambda').length,
    );

    const calls = { calls: 0 };
    const stateMachines = Object.fromEntries(compiled.childDefinitions.map((child) => ['${' + child.placeholder + '}', JSON.stringify(child.definition)]));
    const replayed = await runStateMachine(JSON.stringify(compiled.definition), { input: {}, seed: 1, taskHandlers: createReplayHandlers(answers, calls), stateMachines });
    const replayedHistories = collectHistories(replayed);
    expect(replayed.status).toBe(recorded.status);
    expect(replayed.output).toStrictEqual(recorded.output);
    expect(calls.calls).toBe(countRecordedAnswers(answers));
    expect(countEventTypes(replayedHistories)).toBe(countEventTypes(recordedHistories));
    const failures = (histories: readonly (readonly HistoryEvent[])[]) => histories.flat().flatMap((event) => (event.type === 'TaskFailed' ? [event.taskFailedEventDetails] : []));
    expect(failures(replayedHistories)).toStrictEqual(failures(recordedHistories));
  });
});
