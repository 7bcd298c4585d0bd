import { job, op, runJobLocally } from 'stepops';
import { z } from 'zod';

// Any Standard Schema library (zod, valibot, arktype): the schema validates the op's run
// config and types ctx.config as its output, here { limit: number; region: string }.
const fetchOrders = op(
  {
    name: 'fetch_orders',
    configSchema: z.object({ limit: z.number().int().positive(), region: z.string().default('eu') }),
  },
  async (ctx) => Array.from({ length: ctx.config.limit }, (_, k) => `${ctx.config.region}-${k + 1}`),
);
const count = op({ name: 'count' }, async (_ctx, orders: string[]) => orders.length);

const orders = job({ name: 'orders' }, () => {
  count(fetchOrders());
});

const ran = await runJobLocally(orders, {
  input: { ops: { fetch_orders: { config: { limit: 3 } } } },
  writeLog: () => {},
});
console.log(ran.status, ran.output);

// A typo in an op name, a config the schema rejects, an input that is not an object: each
// fails before any op runs, with the path, the value and the fix.
for (const input of [
  { ops: { fetch_order: { config: { limit: 3 } } } },
  { ops: { fetch_orders: { config: { limit: 'ten' } } } },
  [1, 2],
]) {
  await runJobLocally(orders, { input, writeLog: () => {} }).catch((error: unknown) => console.log(String(error)));
}
