import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Failure, RetryPolicy } from '../../lib/index.js';
import { OP_ERROR_PREFIX, jobHandler } from '../../lib/handler/index.js';
import { MAX_CAUSE_LENGTH, MAX_ERROR_NAME_LENGTH } from '../../lib/handler/limits.js';
import { fitCause } from '../../lib/handler/fit-cause.js';
import { serializeError } from '../../lib/handler/serialize-error.js';
import { measureCause } from '../../lib/handler/task-failure.js';
import { buildPayload, buildSingleOpJob, catchThrown, recordFailure } from './helpers.js';

async function failWith(thrown: () => unknown, policy?: RetryPolicy, retryNumber = 0): Promise<ReturnType<typeof recordFailure>> {
  const testJob = buildSingleOpJob(thrown, policy);
  return recordFailure(await catchThrown(jobHandler(testJob, { writeLog: () => {} })(buildPayload(testJob, 'work', { retryNumber }))));
}

class NamelessError extends Error {}

class QuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuotaError';
  }
}

describe('final failure: the op error keeps its own name and message', () => {
  it.each([
    { thrown: 'boom', name: 'string', message: 'boom' },
    { thrown: { code: 42, reason: 'quota' }, name: 'object', message: '{"code":42,"reason":"quota"}' },
    { thrown: undefined, name: 'undefined', message: 'undefined' },
    { thrown: null, name: 'object', message: 'null' },
    { thrown: 42, name: 'number', message: '42' },
    { thrown: false, name: 'boolean', message: 'false' },
  ])('a thrown $name ($message) is reported with its type and value', async ({ thrown, name, message }) => {
    const failure = await failWith(() => {
      throw thrown;
    });
    expect(failure.Error).toBe(name);
    expect(failure.errorMessage).toBe(message);
    expect(failure.details.error).toStrictEqual({ name, message, thrownType: name });
  });

  it.each([
    { label: 'TypeError', thrown: () => new TypeError('x is not a function'), name: 'TypeError' },
    { label: 'a class that sets its name', thrown: () => new QuotaError('over quota'), name: 'QuotaError' },
    { label: 'a subclass that does not set name', thrown: () => new NamelessError('no name'), name: 'Error' },
    { label: 'an error-like object', thrown: () => ({ name: 'HttpError', message: 'status 503' }), name: 'HttpError' },
  ])('$label fails as $name', async ({ thrown, name }) => {
    const error = thrown();
    const failure = await failWith(() => {
      throw error;
    });
    expect(failure.Error).toBe(name);
    expect(failure.errorMessage).toBe((error as { message: string }).message);
    expect(failure.details.error?.name).toBe(name);
  });

  it.each(['States.Timeout', 'States.TaskFailed', 'Lambda.Unknown', 'Lambda.ServiceException', 'Sandbox.Timedout', 'stepops.Retry', 'stepops.RetryAfter', 'stepops.Retry.1'])(
    'a reserved name %s is prefixed so no retrier matches it',
    async (reserved) => {
      const failure = await failWith(() => {
        throw Object.assign(new Error('looks like a platform error'), { name: reserved });
      });
      expect(failure.Error).toBe(`${OP_ERROR_PREFIX}${reserved}`);
      expect(failure.errorMessage).toBe('looks like a platform error');
      expect(failure.details.error?.name).toBe(reserved);
    },
  );

  it('a reserved-name error that the policy retries is thrown under the retry name', async () => {
    const failure = await failWith(() => {
      throw Object.assign(new Error('slow'), { name: 'States.Timeout' });
    }, new RetryPolicy());
    expect(failure.Error).toBe('stepops.Retry');
  });

  it('names over 256 characters are cut; the details keep the whole name', async () => {
    const longName = `E${'x'.repeat(400)}`;
    const failure = await failWith(() => {
      throw Object.assign(new Error('long'), { name: longName });
    });
    expect(failure.Error).toBe(longName.slice(0, MAX_ERROR_NAME_LENGTH));
    expect(failure.details.error?.name).toBe(longName);
  });

  it('a reserved long name is prefixed, then cut to 256', async () => {
    const failure = await failWith(() => {
      throw Object.assign(new Error('long'), { name: `States.${'y'.repeat(300)}` });
    });
    expect(failure.Error).toHaveLength(MAX_ERROR_NAME_LENGTH);
    expect(failure.Error.startsWith(`${OP_ERROR_PREFIX}States.`)).toBe(true);
  });
});

describe('error details: one JSON line in the stack, the Cause trace[0]', () => {
  it('stack is one line of JSON that the state machine reads back with $parse twice', async () => {
    const testJob = buildSingleOpJob(() => {
      throw new QuotaError('over quota');
    });
    const thrown = await catchThrown(jobHandler(testJob, { writeLog: () => {} })(buildPayload(testJob, 'work')));
    expect(thrown.stack).not.toContain('\n');
    const failure = recordFailure(thrown);
    expect(failure.trace).toHaveLength(1);
    expect(failure.details).toStrictEqual(thrown.details);
    expect(Object.keys(JSON.parse(failure.Cause) as object)).toStrictEqual(['errorType', 'errorMessage', 'trace']);
  });

  it('keeps the ES2022 cause chain, to any value', async () => {
    const failure = await failWith(() => {
      throw new Error('load failed', { cause: new TypeError('bad row', { cause: 'socket hang up' }) });
    });
    expect(failure.details.error).toMatchObject({
      name: 'Error',
      message: 'load failed',
      cause: { name: 'TypeError', message: 'bad row', cause: { name: 'string', message: 'socket hang up', thrownType: 'string' } },
    });
    expect(failure.details.error?.cause?.stack).toContain('TypeError: bad row');
  });

  it('stops at a cycle in the cause chain', () => {
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    Object.assign(first, { cause: second });
    const serialized = serializeError(first);
    expect(serialized.cause?.message).toBe('second');
    expect(serialized.cause?.cause).toBeUndefined();
  });

  it('keeps at most 8 causes below the thrown error', () => {
    let error: Error = new Error('root');
    for (let depth = 1; depth <= 20; depth += 1) error = new Error(`level ${depth}`, { cause: error });
    let links = 0;
    for (let link = serializeError(error).cause; link !== undefined; link = link.cause) links += 1;
    expect(links).toBe(8);
  });

  it('reports a thrown value whose getters throw', () => {
    const hostile = new Proxy(new Error('x'), {
      get(target, key) {
        if (key === 'message') throw new Error('no access');
        return Reflect.get(target, key);
      },
    });
    expect(serializeError(hostile)).toMatchObject({ name: 'Error', message: expect.stringContaining('no access') });
  });
});

describe('Cause limit: 32,768 characters, JSON never cut mid-way', () => {
  const expectFits = (failure: ReturnType<typeof recordFailure>): void => {
    expect(failure.Cause.length).toBeLessThanOrEqual(MAX_CAUSE_LENGTH);
    expect(failure.Error.length).toBeLessThanOrEqual(MAX_ERROR_NAME_LENGTH);
  };

  it('drops stacks first: a huge stack leaves message and cause chain whole', async () => {
    const failure = await failWith(() => {
      const error = new Error('short message', { cause: new TypeError('inner') });
      error.stack = `Error: short message\n${'    at deep (file.ts:1:1)\n'.repeat(5000)}`;
      throw error;
    });
    expectFits(failure);
    expect(failure.errorMessage).toBe('short message');
    expect(failure.details.truncated).toStrictEqual(['stacks']);
    expect(failure.details.error?.stack).toBeUndefined();
    expect(failure.details.error?.cause?.message).toBe('inner');
  });

  it('drops the deepest causes next', async () => {
    const failure = await failWith(() => {
      let error: Error = new Error('root');
      for (let depth = 1; depth <= 8; depth += 1) error = new Error(`level ${depth} ${'m'.repeat(5000)}`, { cause: error });
      throw error;
    });
    expectFits(failure);
    expect(failure.details.truncated).toStrictEqual(['stacks', 'causes']);
    expect(failure.details.error?.message.startsWith('level 8')).toBe(true);
    expect(failure.details.error?.cause?.message.startsWith('level 7')).toBe(true);
    let depth = 0;
    for (let link = failure.details.error; link !== undefined; link = link.cause) depth += 1;
    expect(depth).toBeLessThan(9);
    expect(failure.errorMessage.startsWith('level 8')).toBe(true);
  });

  it('shortens a huge message, keeping its start and saying how much was cut', async () => {
    const message = `start ${'"quoted" \\ '.repeat(20_000)}`;
    const failure = await failWith(() => {
      throw new Error(message);
    });
    expectFits(failure);
    expect(failure.errorMessage.startsWith('start "quoted"')).toBe(true);
    expect(failure.errorMessage).toMatch(/\.\.\.\[\d+ characters cut\]$/);
    expect(failure.details.truncated).toStrictEqual(['stacks', 'strings']);
    expect(failure.Cause.length).toBeGreaterThan(MAX_CAUSE_LENGTH - 200);
  });

  it('drops a Failure metadata that cannot be shortened enough', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 5000 }, (_, index) => [`key_${index}`, index]));
    const failure = await failWith(() => {
      throw new Failure({ description: 'too much metadata', metadata, allowRetries: false });
    });
    expectFits(failure);
    expect(failure.errorMessage).toBe('too much metadata');
    expect(failure.details.truncated).toStrictEqual(['stacks', 'strings', 'metadata']);
    expect(failure.details.error?.metadata).toBeUndefined();
  });

  it('counts the DEL characters the runtime writes as %7F', async () => {
    const failure = await failWith(() => {
      throw new Error('\x7F'.repeat(20_000));
    });
    expectFits(failure);
    expect(failure.errorMessage.startsWith('%7F%7F')).toBe(true);
  });

  it('a Cause is at most 47 characters plus 6 per character of its texts, the bound under which fitCause skips measuring (property)', () => {
    const worst = fc.constantFrom('\x00', '\x1F', '\x7F', '\n', '"', '\\', '\uD800', '\uDFFF', 'é', 'a');
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.array(worst, { maxLength: 300 }).map((units) => units.join('')),
    );
    fc.assert(
      fc.property(text, text, text, (name, message, stack) => {
        expect(measureCause(name, message, stack)).toBeLessThanOrEqual(47 + 6 * (name.length + message.length + stack.length));
      }),
      { numRuns: 300, seed: 9 },
    );
  });

  it('holds for any name, message, stack and metadata (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40_000 });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), text, text, fc.dictionary(fc.string(), text, { maxKeys: 5 }), (name, message, stack, metadata) => {
        const error = Object.assign(new Failure({ description: message, metadata }), { stack });
        const serialized = serializeError(error);
        const fitted = fitCause(name.slice(0, 256), message, { stepops: 2, op: 'work', retryNumber: 0, decision: 'fail', reason: 'no-policy', error: serialized });
        const cause = JSON.stringify({
          errorType: name.slice(0, 256).replaceAll('\x7F', '%7F'),
          errorMessage: fitted.message.replaceAll('\x7F', '%7F'),
          trace: fitted.stack.replaceAll('\x7F', '%7F').split('\n'),
        });
        expect(cause.length).toBeLessThanOrEqual(MAX_CAUSE_LENGTH);
        const parsed = JSON.parse(cause) as { trace: string[] };
        expect(parsed.trace).toHaveLength(1);
        expect(JSON.parse(parsed.trace[0]!.replaceAll('%7F', '\x7F'))).toStrictEqual(fitted.details);
      }),
      { numRuns: 60, seed: 4 },
    );
  });
});
