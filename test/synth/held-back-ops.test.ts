import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { dagsterCase, nShaped, zigzag } from '../cli/fixtures/held-back.js';
import { smallJob } from './fixtures/small-job.js';
import { synthesizeJob } from './helpers.js';

const concurrencyWarnings = (job: typeof smallJob): string[] =>
  synthesizeJob({ job })
    .annotations.findWarning('*', Match.stringLikeRegexp('stepops concurrency'))
    .map((warning) => warning.entry.data as string);

describe('JobStateMachine: ops the structure may hold back', () => {
  it('warns once for a graph that is not series-parallel, naming each held-back op and what it may wait for', () => {
    expect(concurrencyWarnings(nShaped)).toStrictEqual([
      'stepops concurrency: job "n_shaped" is not series-parallel, so its state machine may hold ops back beyond their inputs: d may wait for a (not an input) [ack: stepops:concurrency:held-back-ops]',
    ]);
  });

  it('names the first 10 held-back ops, each with at most 5 ops, and counts the others', () => {
    const [warning] = concurrencyWarnings(zigzag);
    const parts = warning!.replace(/ \[ack: [^\]]+\]$/, '').split('; ');
    expect(parts).toHaveLength(11);
    expect(parts[0]).toBe(
      'stepops concurrency: job "zigzag" is not series-parallel, so its state machine may hold ops back beyond their inputs: t_0 may wait for s_2, s_3, s_4, s_5, s_6 and 23 more (not inputs)',
    );
    expect(parts[10]).toBe('... and 20 more ops that may wait for ops they do not depend on (560 such pairs in all: diagnostics.heldBackOps lists each op)');
  });

  it('says nothing for series-parallel graphs (every op starts when its inputs are done)', () => {
    expect(concurrencyWarnings(smallJob)).toStrictEqual([]);
    expect(concurrencyWarnings(dagsterCase)).toStrictEqual([]);
  });
});
