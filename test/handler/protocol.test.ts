import { describe, expect, it, vi } from 'vitest';
import { PROTOCOL_ERROR, job, op } from '../../lib/index.js';
import { jobHandler } from '../../lib/handler/index.js';
import { buildPayload, captureLogs, catchThrown, createFakeContext, recordFailure } from './helpers.js';

const compute = vi.fn(async (_context: unknown, value: unknown) => value);
const consume = op({ name: 'consume' }, async (context, value: unknown) => compute(context, value));
const produce = op({ name: 'produce' }, async () => 'value');
const protocolJob = job({ name: 'protocol_job' }, () => {
  consume(produce());
});
const otherBuild = job({ name: 'protocol_job' }, () => {
  consume.alias('renamed')(produce());
});
const valid = buildPayload(protocolJob, 'consume', { inputs: [{ v: 'value' }] });

// Each case: the event, a fragment of the message naming what is wrong, the details' op and retryNumber.
const cases: { readonly label: string; readonly event: unknown; readonly says: string; readonly op?: string; readonly retryNumber?: number }[] = [
  { label: 'null', event: null, says: 'the event is not a stepops op payload', op: '', retryNumber: -1 },
  { label: 'a string', event: 'consume', says: 'got "consume"', op: '', retryNumber: -1 },
  { label: 'an array', event: [valid], says: 'expected an object with protocol, job, runId, state', op: '', retryNumber: -1 },
  { label: 'a number', event: 42, says: 'got 42', op: '', retryNumber: -1 },
  { label: 'no protocol', event: { ...valid, protocol: undefined }, says: 'payload.protocol is undefined but this handler speaks stepops protocol 2' },
  { label: 'another protocol version', event: { ...valid, protocol: 1 }, says: 'payload.protocol is 1' },
  { label: 'no job', event: { ...valid, job: undefined }, says: 'payload.job is undefined but this handler serves job "protocol_job"' },
  { label: 'another job', event: { ...valid, job: 'retry_job' }, says: 'payload.job is "retry_job"' },
  { label: 'no planHash', event: { ...valid, planHash: undefined }, says: 'payload.planHash is undefined' },
  { label: 'a planHash from another build', event: buildPayload(otherBuild, 'renamed', { inputs: [{ v: 'v' }] }), says: 'come from different builds', op: 'renamed' },
  {
    label: 'no state',
    event: { ...valid, state: undefined },
    says: `payload.state must be the op Task's $states.context.State, whose Name is an op invocation of job "protocol_job", got undefined`,
    op: '',
    retryNumber: -1,
  },
  { label: 'a state without a Name', event: { ...valid, state: { RetryCount: 0 } }, says: 'got {"RetryCount":0}', op: '' },
  {
    label: 'an unknown op',
    event: { ...valid, state: { Name: 'transform', RetryCount: 0 } },
    says: 'payload.state.Name "transform" is not an op invocation of job "protocol_job" (its invocations: produce, consume)',
    op: 'transform',
  },
  { label: 'no runId', event: { ...valid, runId: undefined }, says: 'payload.runId must be the execution name' },
  { label: 'an empty runId', event: { ...valid, runId: '' }, says: 'payload.runId must be the execution name (a non-empty string), got ""' },
  {
    label: 'no RetryCount',
    event: { ...valid, state: { Name: 'consume' } },
    says: 'payload.state.RetryCount must be an integer >= 0 (the retries of this Task visit), got undefined',
    retryNumber: -1,
  },
  { label: 'a negative RetryCount', event: { ...valid, state: { Name: 'consume', RetryCount: -1 } }, says: 'got -1', retryNumber: -1 },
  { label: 'a fractional RetryCount', event: { ...valid, state: { Name: 'consume', RetryCount: 1.5 } }, says: 'got 1.5', retryNumber: -1 },
  { label: 'a string RetryCount', event: { ...valid, state: { Name: 'consume', RetryCount: '1' } }, says: 'got "1"', retryNumber: -1 },
  {
    label: 'a negative loop base',
    event: { ...valid, n: -1 },
    says: 'payload.n must be an integer >= 0 (the retry number the Task was re-entered with; absent on a first entry), got -1',
    retryNumber: -1,
  },
  { label: 'a string loop base', event: { ...valid, n: '2' }, says: 'got "2"', retryNumber: -1 },
  { label: 'an unknown retryMode', event: { ...valid, retryMode: 'exponential' }, says: 'payload.retryMode must be one of plain, indexed, loop, got "exponential"' },
  { label: 'no inputs', event: { ...valid, inputs: undefined }, says: 'payload.inputs must be an array of 1 value(s) for op "consume" (the outputs of produce), got undefined' },
  { label: 'too many inputs', event: { ...valid, inputs: [1, 2] }, says: 'got [1,2]' },
  {
    label: 'an input that is not an envelope',
    event: { ...valid, inputs: ['value'] },
    says: 'payload.inputs[0] must be an envelope ({ v: value }, a stored value { s, b } or an outcome marker { o, op }) from op "produce", got "value"',
  },
  { label: 'a negative inlineBytes', event: { ...valid, inlineBytes: -1 }, says: 'payload.inlineBytes must be an integer >= 0 (the largest output kept inline, in bytes), got -1' },
  { label: 'an input envelope with both keys', event: { ...valid, inputs: [{ v: 1, o: 'data' }] }, says: 'payload.inputs[0] must be an envelope' },
];

describe('jobHandler: payloads from elsewhere fail with PROTOCOL_ERROR and never run an op', () => {
  it('runs the valid payload', async () => {
    expect(await jobHandler(protocolJob, { writeLog: () => {} })(valid)).toStrictEqual({ v: 'value' });
  });

  it.each(cases)('fails on $label', async ({ event, says, op: opName = 'consume', retryNumber = 0 }) => {
    compute.mockClear();
    const logs = captureLogs();
    const thrown = await catchThrown(jobHandler(protocolJob, { writeLog: logs.writeLog })(event, createFakeContext('req-9')));
    const failure = recordFailure(thrown);
    expect(failure.Error).toBe(PROTOCOL_ERROR);
    expect(failure.errorMessage).toContain(says);
    expect(failure.errorMessage).toContain('deploy the state machine and the function together');
    expect(failure.details).toStrictEqual({ stepops: 2, op: opName, retryNumber, decision: 'fail', reason: 'protocol-error' });
    expect(compute).not.toHaveBeenCalled();
    expect(logs.records).toStrictEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'payload rejected',
        decision: 'fail',
        reason: 'protocol-error',
        thrownAs: PROTOCOL_ERROR,
        requestId: 'req-9',
        op: opName,
      }),
    ]);
  });

  it('cuts a huge received value in the message', async () => {
    const failure = recordFailure(await catchThrown(jobHandler(protocolJob, { writeLog: () => {} })({ ...valid, job: 'j'.repeat(100_000) })));
    expect(failure.errorMessage.length).toBeLessThan(1000);
  });

  it('adds the loop base and the retries of the visit: the op sees retry number n + State.RetryCount', async () => {
    const seen: number[] = [];
    const counting = job({ name: 'counting' }, () => {
      op({ name: 'count' }, async (context) => seen.push(context.retryNumber))();
    });
    const handler = jobHandler(counting, { writeLog: () => {} });
    await handler(buildPayload(counting, 'count', { n: 3, state: { Name: 'count', RetryCount: 2 } }));
    await handler(buildPayload(counting, 'count', { state: { Name: 'count', RetryCount: 1 } }));
    expect(seen).toStrictEqual([5, 1]);
  });

  it('ignores fields the protocol does not define', async () => {
    expect(await jobHandler(protocolJob, { writeLog: () => {} })({ ...valid, extra: true })).toStrictEqual({ v: 'value' });
  });
});
