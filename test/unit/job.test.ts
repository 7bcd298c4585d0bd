import { describe, expect, it } from 'vitest';
import { DefinitionError, RetryPolicy, buildOpContext, job, op, resolveRetryPolicy, type LogRecord } from '../../lib/index.js';
import { computeJobFingerprint } from '../../lib/job/index.js';

const extract = op({ name: 'extract' }, async () => [1, 2, 3]);
const double = op({ name: 'double' }, async (_context, rows: number[]) => rows.map((row) => row * 2));
const join = op({ name: 'join' }, async (_context, left: number[], right: number[]) => [...left, ...right]);

// A job body that returns a Promise (a JavaScript caller's mistake), typed unknown so that the test can pass it.
const ASYNC_BODY: unknown = async () => {
  extract();
  await Promise.resolve();
};

describe('job wiring', () => {
  it('records invocations in call order with their inputs in parameter order', () => {
    const pipeline = job({ name: 'pipeline' }, () => {
      const rows = extract();
      join(double(rows), rows);
    });
    expect(pipeline.invocations.map((invocation) => [invocation.name, invocation.inputs])).toStrictEqual([
      ['extract', []],
      ['double', ['extract']],
      ['join', ['double', 'extract']],
    ]);
    expect(pipeline.getInvocation('double')?.op).toBe(double);
  });

  it('names repeated invocations as Dagster does: <name>_2, <name>_3', () => {
    const pipeline = job({ name: 'repeat' }, () => {
      double(double(double(extract())));
    });
    expect(pipeline.invocations.map((invocation) => invocation.name)).toStrictEqual(['extract', 'double', 'double_2', 'double_3']);
  });

  it('chains alias and withRetryPolicy in either order', () => {
    const policy = new RetryPolicy({ maxRetries: 4 });
    const pipeline = job({ name: 'chained' }, () => {
      extract.alias('first').withRetryPolicy(policy)();
      extract.withRetryPolicy(policy).alias('second')();
    });
    expect(pipeline.invocations.map((invocation) => [invocation.name, invocation.retryPolicy])).toStrictEqual([
      ['first', policy],
      ['second', policy],
    ]);
  });
});

describe('resolveRetryPolicy: Dagster precedence', () => {
  const jobPolicy = new RetryPolicy({ maxRetries: 1 });
  const definitionPolicy = new RetryPolicy({ maxRetries: 2 });
  const invocationPolicy = new RetryPolicy({ maxRetries: 10 });
  const plain = op({ name: 'plain' }, async () => 1);
  const withPolicy = op({ name: 'with_policy', retryPolicy: definitionPolicy }, async () => 1);

  it.each([
    {
      row: 'invocation wins over definition and job',
      build: () => withPolicy.withRetryPolicy(invocationPolicy)(),
      jobPolicy,
      expected: { policy: invocationPolicy, source: 'invocation' },
    },
    { row: 'definition wins over job', build: () => withPolicy(), jobPolicy, expected: { policy: definitionPolicy, source: 'definition' } },
    { row: 'job default applies last', build: () => plain(), jobPolicy, expected: { policy: jobPolicy, source: 'job' } },
    { row: 'no policy anywhere', build: () => plain(), jobPolicy: undefined, expected: { policy: undefined, source: 'none' } },
  ])('$row', ({ build, jobPolicy: opRetryPolicy, expected }) => {
    const built = job({ name: 'precedence', opRetryPolicy }, () => {
      build();
    });
    expect(resolveRetryPolicy(built, built.invocations[0]!)).toStrictEqual(expected);
  });

  it('never merges: the winning policy is used whole', () => {
    const built = job({ name: 'no_merge', opRetryPolicy: new RetryPolicy({ maxRetries: 5, delay: 10 }) }, () => {
      plain.withRetryPolicy(new RetryPolicy({ maxRetries: 2 }))();
    });
    expect(resolveRetryPolicy(built, built.invocations[0]!).policy?.toJSON()).toStrictEqual({ maxRetries: 2 });
  });
});

describe('bad definitions fail at definition time', () => {
  const other = op({ name: 'extract' }, async () => 0);
  let foreignHandle: unknown;
  job({ name: 'foreign' }, () => {
    foreignHandle = extract();
  });

  it.each([
    [
      'an op name with a dash',
      () => op({ name: 'load-orders' }, async () => 1),
      'op.name must match ^[A-Za-z0-9_]+$ (letters, digits, underscores), got "load-orders"; use e.g. "load_orders"',
    ],
    [
      'an op name over 80 characters',
      () => op({ name: 'x'.repeat(81) }, async () => 1),
      `op.name must be at most 80 characters (a Step Functions state name), got 81 characters ("${'x'.repeat(81)}"); shorten it`,
    ],
    [
      'a job name that is not a string',
      () => job({ name: 7 as never }, () => extract()),
      'job.name must match ^[A-Za-z0-9_]+$ (letters, digits, underscores), got 7; use e.g. "load_orders"',
    ],
    ['a bad alias', () => extract.alias('a b'), 'alias of op "extract" must match ^[A-Za-z0-9_]+$ (letters, digits, underscores), got "a b"; use e.g. "load_orders"'],
    ['an empty job', () => job({ name: 'empty' }, () => {}), 'job "empty" is empty: its body called no op; call at least one op inside the body'],
    [
      'duplicate aliases',
      () =>
        job({ name: 'dupes' }, () => {
          extract.alias('a')();
          extract.alias('a')();
        }),
      'job "dupes" has two invocations named "a"; give each invocation its own alias',
    ],
    [
      'an alias taken by another invocation',
      () =>
        job({ name: 'taken' }, () => {
          extract();
          double.alias('extract')(extract.alias('e2')());
        }),
      'job "taken" has two invocations named "extract"; give each invocation its own alias',
    ],
    [
      'two ops with one name',
      () =>
        job({ name: 'clash' }, () => {
          extract();
          other();
        }),
      'job "clash" uses two different ops named "extract"; give one of them another name',
    ],
    [
      'too few inputs',
      () =>
        job({ name: 'arity' }, () => {
          (double as unknown as () => void)();
        }),
      'job "arity": op "double" takes 1 input(s) (its function\'s parameters after the context), got 0; pass one output handle per input',
    ],
    [
      'a constant as input',
      () =>
        job({ name: 'constant' }, () => {
          (double as unknown as (x: number) => void)(5);
        }),
      'job "constant": input 1 of op "double" must be the output of another op invocation in this job, got 5; pass constants through op config instead',
    ],
    [
      'a handle from another job',
      () =>
        job({ name: 'stolen' }, () => {
          (double as unknown as (x: unknown) => void)(foreignHandle);
        }),
      'job "stolen": input 1 of op "double" is an output handle from another job ("extract"); call the producing op inside this job\'s body',
    ],
    [
      'a nested job',
      () =>
        job({ name: 'outer' }, () => {
          job({ name: 'inner' }, () => extract());
        }),
      'job "inner" is defined inside the body of job "outer"; define jobs at module level',
    ],
    [
      'an async body',
      () => job({ name: 'async_body' }, ASYNC_BODY as () => void),
      'job "async_body" body returned a Promise; a job body only wires ops and must be synchronous (remove async/await from it)',
    ],
    [
      'a policy that is not a RetryPolicy',
      () => op({ name: 'p', retryPolicy: { maxRetries: 3 } as never }, async () => 1),
      'op "p" retryPolicy must be a RetryPolicy, got {"maxRetries":3}; use new RetryPolicy({ ... })',
    ],
    [
      'a job policy that is not a RetryPolicy',
      () => job({ name: 'jp', opRetryPolicy: 3 as never }, () => extract()),
      'job "jp" opRetryPolicy must be a RetryPolicy, got 3; use new RetryPolicy({ ... })',
    ],
  ])('fails for %s', (_case, build, message) => {
    expect(build).toThrow(DefinitionError);
    expect(build).toThrow(message);
  });

  it('leaves no job body active after a failure', () => {
    expect(() =>
      job({ name: 'broken' }, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(() =>
      job({ name: 'fine' }, () => {
        extract();
      }),
    ).not.toThrow();
  });
});

describe('direct invocation outside a job body', () => {
  it('runs the op with a test context, as Dagster does', async () => {
    await expect(double(buildOpContext(), [1, 2])).resolves.toStrictEqual([2, 4]);
    const seen = op({ name: 'seen' }, async (context) => [context.retryNumber, context.config]);
    await expect(seen(buildOpContext({ retryNumber: 2, config: { limit: 5 } }))).resolves.toStrictEqual([2, { limit: 5 }]);
  });

  it('builds a default context when none is given', async () => {
    const named = op({ name: 'named' }, async (context) => [context.opName, context.retryNumber]);
    await expect((named as unknown as () => Promise<unknown>)()).resolves.toStrictEqual(['named', 0]);
  });

  it('fails with the arity when inputs are missing', async () => {
    await expect((join as unknown as (c: unknown, a: number[]) => Promise<unknown>)(buildOpContext(), [1])).rejects.toThrow(
      'op "join" takes 2 input(s), got 1; call it as join(buildOpContext(), input1, input2)',
    );
  });

  it('writes structured log lines with the op, job, run and retry number', async () => {
    const records: LogRecord[] = [];
    const logging = op({ name: 'logging' }, async (context) => context.log.info('fetched', { rows: 3 }));
    await logging(buildOpContext({ retryNumber: 1, opName: 'logging', jobName: 'j', runId: 'r1', writeLog: (record) => records.push(record) }));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'INFO', message: 'fetched', service: 'stepops', job: 'j', op: 'logging', runId: 'r1', retryNumber: 1, rows: 3 });
    expect(Date.parse(records[0]!.timestamp)).not.toBeNaN();
  });
});

describe('computeJobFingerprint', () => {
  const build = (maxRetries: number) =>
    job({ name: 'fingerprinted', opRetryPolicy: new RetryPolicy({ maxRetries }) }, () => {
      double(extract());
    });

  it('is stable for the same job and changes with a policy', () => {
    expect(computeJobFingerprint(build(1))).toBe(computeJobFingerprint(build(1)));
    expect(computeJobFingerprint(build(1))).not.toBe(computeJobFingerprint(build(2)));
    expect(computeJobFingerprint(build(1))).toMatch(/^[0-9a-f]{16}$/);
  });
});
