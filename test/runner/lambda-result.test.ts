import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { job, op, RetryRequested, runJobLocally } from '../../lib/index.js';
import { readRecordedRunResult } from '../../lib/runner/index.js';
import { toJson } from '../../lib/runner/evaluate/payload-limit.js';
import { readMadeLambdaResult, toLambdaResult, type MadeLambdaResults } from '../../lib/runner/local/lambda-result.js';

describe('the lambda:invoke result of a local op attempt', () => {
  it('its JSON, made from the payload JSON, is what JSON.stringify gives for the whole result (any JSON payload)', () => {
    fc.assert(
      fc.property(fc.option(fc.jsonValue(), { nil: undefined }), fc.string({ unit: 'binary' }), fc.nat(), (output, requestId, nowMs) => {
        const result = toLambdaResult(output, requestId, nowMs);
        expect(toJson(result)).toBe(JSON.stringify(result));
        expect(result.SdkHttpMetadata.HttpHeaders['Content-Length']).toBe(String(Buffer.byteLength(JSON.stringify(output ?? null), 'utf8')));
      }),
      { seed: 14, numRuns: 500 },
    );
  });

  it('an op that returns nothing gives Payload null', () => {
    const result = toLambdaResult(undefined, 'local-00000001', 0);
    expect(result.Payload).toBeNull();
    expect(toJson(result)).toContain('"Payload":null,');
    expect(result.SdkHttpMetadata.AllHttpHeaders['Content-Length']).toStrictEqual(['4']);
  });

  it('a result text it made reads back as JSON.parse reads it (its Payload), any other text is parsed whole', () => {
    const made: MadeLambdaResults = new Map();
    const read = readMadeLambdaResult(made);
    fc.assert(
      fc.property(fc.option(fc.jsonValue(), { nil: undefined }), fc.string(), fc.nat(), (output, requestId, nowMs) => {
        const text = toJson(toLambdaResult(output, requestId, nowMs, made));
        expect(made.get(JSON.stringify(requestId))).toStrictEqual({ json: text, payloadLength: JSON.stringify(output ?? null).length });
        expect(read(text)).toStrictEqual({ Payload: (JSON.parse(text) as { Payload: unknown }).Payload });
      }),
      { seed: 14, numRuns: 300 },
    );
    expect(read('{"Payload":{"v":1},"StatusCode":200}')).toStrictEqual({ Payload: { v: 1 }, StatusCode: 200 });
    // A text like one it made, with the same request id, is not one it made: parsed whole.
    const [requestIdJson, entry] = [...made][0]!;
    const lookalike = entry.json.replace('"ExecutedVersion":"$LATEST"', '"ExecutedVersion":"$OTHER"');
    expect(read(lookalike)).toStrictEqual(JSON.parse(lookalike));
    expect(lookalike.endsWith(`${requestIdJson}},"StatusCode":200}`)).toBe(true);
    expect(read('not json')).toBe('not json');
  });

  it('a local run reads back (readRecordedRunResult) as a copy of its histories does, parsed whole: a split job with retries, skips and a failure', async () => {
    const produce = op({ name: 'produce' }, (ctx) => {
      if (ctx.retryNumber === 0) throw new RetryRequested({ maxRetries: 1 });
      return { rows: ['a', 'é', '\u2028'], n: -0 };
    });
    const fail = op({ name: 'fail' }, () => {
      throw new Error('fails on purpose');
    });
    const consume = op({ name: 'consume' }, (_ctx, value: unknown) => value);
    const pipeline = job({ name: 'read_back' }, () => {
      const value = produce();
      consume.alias('after_fail')(fail());
      for (let k = 0; k < 12; k += 1) consume.alias(`consume_${k}`)(value);
    });
    const result = await runJobLocally(pipeline, { writeLog: () => {}, compile: { maxDefinitionCharacters: 20_000 } });
    expect(result.childExecutions?.length ?? 0).toBeGreaterThan(0);
    const copy = structuredClone({ history: result.history, childExecutions: result.childExecutions, status: result.status });
    const recorded = readRecordedRunResult(result);
    expect(recorded).toStrictEqual(readRecordedRunResult(copy as typeof result));
    expect(recorded.ops.map((o) => o.outcome)).toContain('skipped');
    expect(recorded.ops.find((o) => o.name === 'produce')).toStrictEqual({ name: 'produce', outcome: 'succeeded', recorded: { v: { rows: ['a', 'é', '\u2028'], n: 0 } } });
  });
});
