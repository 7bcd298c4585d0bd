import { RetryPolicy, buildOpContext, job, op, resolveRetryPolicy } from 'stepops';

const extract = op({ name: 'extract' }, async (ctx) => ({ rows: 3, attempt: ctx.retryNumber + 1 }));
const transform = op(
  { name: 'transform', retryPolicy: new RetryPolicy({ maxRetries: 2, delay: 5 }) },
  async (_ctx, report: { rows: number }) => report.rows * 2,
);
const load = op({ name: 'load' }, async (ctx, left: number, right: number) => ({
  loaded: left + right,
  config: ctx.config,
}));

// Calling ops inside a job body wires the graph: transform runs twice (the second under an
// alias and its own policy), then load joins both outputs.
export const etl = job({ name: 'etl', opRetryPolicy: new RetryPolicy({ maxRetries: 1 }) }, () => {
  const report = extract();
  load(
    transform(report),
    transform.alias('transform_again').withRetryPolicy(new RetryPolicy({ maxRetries: 5 }))(report),
  );
});

for (const invocation of etl.invocations) {
  const { policy, source } = resolveRetryPolicy(etl, invocation);
  console.log(invocation.name, invocation.inputs, source, String(policy));
}

// Outside a job body an op runs directly, as Dagster's direct invocation.
console.log(await transform(buildOpContext(), { rows: 21 }));
console.log(await load(buildOpContext({ config: { table: 'orders' } }), 1, 2));
