import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { RUN_CONFIG_ERROR, RunConfigError, buildOpContext, job, op, runJobLocally, validateRunConfig, type LogRecord } from '../../lib/index.js';
import { checkRunConfigShape } from '../../lib/job/index.js';
import { jobHandler } from '../../lib/handler/index.js';
import { buildPayload, catchThrown } from '../handler/helpers.js';
import { linesOf, runCli } from '../cli/helpers.js';

const quiet = { writeLog: (_record: LogRecord) => {} };

/** fetch_orders takes { limit: positive integer, region: default 'eu' }; load takes no config. */
function buildOrdersJob() {
  const calls: string[] = [];
  const fetchOrders = op({ name: 'fetch_orders', configSchema: z.object({ limit: z.number().int().positive(), region: z.string().default('eu') }) }, async (ctx) => {
    calls.push(`fetch_orders ${JSON.stringify(ctx.config)}`);
    expectTypeOf(ctx.config).toEqualTypeOf<{ limit: number; region: string }>();
    return Array.from({ length: ctx.config.limit }, (_, k) => `${ctx.config.region}-${k}`);
  });
  const load = op({ name: 'load' }, async (ctx, orders: string[]) => {
    calls.push('load');
    expectTypeOf(ctx.config).toEqualTypeOf<unknown>();
    return orders.length;
  });
  const orders = job({ name: 'orders' }, () => {
    load(fetchOrders());
  });
  return { orders, calls };
}

describe('run config, checked before any op runs', () => {
  const { orders } = buildOrdersJob();

  it.each([
    ['an array', [1, 2], 'the run input: the run input must be a JSON object (got [1,2]); pass {"ops":{"<op name>":{"config":{...}}}}, or {} when no op takes config'],
    ['a string', 'hello', 'the run input: the run input must be a JSON object (got "hello"); pass {"ops":{"<op name>":{"config":{...}}}}, or {} when no op takes config'],
    ['ops that is not an object', { ops: [] }, 'ops: ops must be an object keyed by op name (got []); pass {"ops":{"<op name>":{"config":{...}}}}'],
    [
      'an unknown op name',
      { ops: { fetch_order: { config: { limit: 1 } } } },
      'ops.fetch_order: "fetch_order" is not an op of job "orders" (its ops: fetch_orders, load) (got {"config":{"limit":1}}); use one of those names under ops',
    ],
    ['an op entry that is not an object', { ops: { load: 3 } }, 'ops.load: ops.load must be an object { config } (got 3); pass "ops":{"load":{"config":{...}}}'],
    ['a key beside config', { ops: { load: { confg: {} } } }, 'ops.load.confg: "confg" is not a key of an op\'s run config (got {}); put the op\'s settings under ops.load.config'],
  ])('fails on %s', (_label, input, message) => {
    expect(
      checkRunConfigShape(orders, input).map((issue) => `${issue.path === '' ? 'the run input' : issue.path}: ${issue.problem} (got ${JSON.stringify(issue.value)}); ${issue.fix}`),
    ).toStrictEqual([message]);
  });

  it('accepts no input, {}, and ops keyed by op names', () => {
    expect(checkRunConfigShape(orders, undefined)).toStrictEqual([]);
    expect(checkRunConfigShape(orders, {})).toStrictEqual([]);
    expect(checkRunConfigShape(orders, { ops: { load: { config: { any: 'thing' } } }, other: 1 })).toStrictEqual([]);
  });

  it('fails with every schema issue: the path, the value there and the fix', async () => {
    const error = await validateRunConfig(orders, { ops: { fetch_orders: { config: { limit: -2, region: 7 } } } }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RunConfigError);
    expect((error as RunConfigError).name).toBe(RUN_CONFIG_ERROR);
    expect((error as RunConfigError).issues.map((issue) => [issue.path, issue.value])).toStrictEqual([
      ['ops.fetch_orders.config.limit', -2],
      ['ops.fetch_orders.config.region', 7],
    ]);
    expect((error as RunConfigError).message).toMatch(
      /^run config of job "orders" is invalid: ops\.fetch_orders\.config\.limit: .+ \(got -2\); give ops\.fetch_orders\.config a value op "fetch_orders"'s configSchema accepts; and ops\.fetch_orders\.config\.region: .+ \(got 7\); give/,
    );
  });

  it('runJobLocally rejects a bad config before any op runs (a missing config is {})', async () => {
    const { orders: fresh, calls } = buildOrdersJob();
    await expect(runJobLocally(fresh, { ...quiet, input: { ops: { fetch_orders: { config: { limit: 'ten' } } } } })).rejects.toThrow(
      /^run config of job "orders" is invalid: ops\.fetch_orders\.config\.limit: .+ \(got "ten"\); give/,
    );
    await expect(runJobLocally(fresh, { ...quiet, input: {} })).rejects.toThrow(/ops\.fetch_orders\.config\.limit: .+ \(got nothing\)/);
    await expect(runJobLocally(fresh, { ...quiet, input: [1, 2] })).rejects.toBeInstanceOf(RunConfigError);
    expect(calls).toStrictEqual([]);
  });

  it("gives the op the schema's output as ctx.config (defaults applied)", async () => {
    const { orders: fresh, calls } = buildOrdersJob();
    const result = await runJobLocally(fresh, { ...quiet, input: { ops: { fetch_orders: { config: { limit: 2 } } } } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toStrictEqual({ load: 2 });
    expect(calls).toStrictEqual(['fetch_orders {"limit":2,"region":"eu"}', 'load']);
  });

  it('the Lambda wrapper fails an op whose config its schema rejects with stepops.RunConfigError, not retried, before its code runs', async () => {
    const { orders: fresh, calls } = buildOrdersJob();
    const handler = jobHandler(fresh, quiet);
    const thrown = await catchThrown(handler(buildPayload(fresh, 'fetch_orders', { config: { limit: 0 } })));
    expect(thrown.name).toBe('stepops.RunConfigError');
    expect(thrown.message).toMatch(/^ops\.fetch_orders\.config\.limit: .+ \(got 0\); give ops\.fetch_orders\.config a value op "fetch_orders"'s configSchema accepts$/);
    expect(JSON.parse(thrown.stack!)).toMatchObject({ op: 'fetch_orders', decision: 'fail', reason: 'config-invalid' });
    const wrongType = await catchThrown(handler(buildPayload(fresh, 'fetch_orders', { config: 'limit=3' })));
    expect(wrongType.name).toBe('stepops.RunConfigError');
    expect(wrongType.message).toMatch(/^ops\.fetch_orders\.config: .+ \(got "limit=3"\)/);
    expect(calls).toStrictEqual([]);
    await expect(handler(buildPayload(fresh, 'fetch_orders', { config: { limit: 1, region: 'us' } }))).resolves.toStrictEqual({ v: ['us-0'] });
  });

  it('validates a direct invocation too', async () => {
    const { orders: fresh } = buildOrdersJob();
    const fetchOrders = fresh.getInvocation('fetch_orders')!.op;
    await expect(fetchOrders(buildOpContext({ config: { limit: 1 } }))).resolves.toStrictEqual(['eu-0']);
    await expect(fetchOrders(buildOpContext({ config: { limit: 1.5 } }))).rejects.toThrow(/ops\.fetch_orders\.config\.limit: .+ \(got 1\.5\)/);
  });

  it('fails at definition time on a configSchema that is not a Standard Schema', () => {
    expect(() => op({ name: 'x', configSchema: { parse: () => 1 } as never }, async () => 1)).toThrow(
      'op "x" configSchema must be a Standard Schema (an object with a "~standard" property, as zod, valibot and arktype schemas have), got {}; pass e.g. z.object({ ... })',
    );
  });

  it('stepops run prints the problem in one line and exits 2 before running anything', async () => {
    const typo = await runCli(['run', 'test/cli/fixtures/partial-failure.ts', '--input', '{"ops":{"lod":{"config":{}}}}']);
    expect(typo.exitCode).toBe(2);
    expect(typo.stdout).toBe('');
    expect(linesOf(typo.stderr)).toStrictEqual([
      'stepops: run config of job "partial_failure" is invalid: ops.lod: "lod" is not an op of job "partial_failure" (its ops: extract, load, notify, audit) (got {"config":{}}); use one of those names under ops',
    ]);
    const array = await runCli(['run', 'test/cli/fixtures/partial-failure.ts', '--input', '[1,2]']);
    expect(array.exitCode).toBe(2);
    expect(array.stderr).toMatch(/^stepops: run config of job "partial_failure" is invalid: the run input: the run input must be a JSON object \(got \[1,2\]\)/);
  });
});
