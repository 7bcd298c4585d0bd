/**
 * `$now()`, `$millis()` and `$toMillis(text, picture)` on the run's clock. jsonata reads the
 * time from `new Date()` taken as each evaluation starts; a run on the virtual clock must see its
 * own time instead (after a one-hour Wait, `$now()` is an hour later, as on AWS), and every call
 * within one evaluation must still give the same time. The functions bound here are jsonata's
 * own function values with their implementation replaced: the same signatures (so a bad
 * argument fails with the same T0410 error) and `$fromMillis`'s formatting (picture and
 * timezone), at the time given. `$toMillis` with a picture takes the parts its picture leaves
 * out (the date of `[H01]:[m01]`) from that time too.
 */

import { readJsonataBuiltin } from './jsonata-builtins.js';

/**
 * Binds `$now`, `$millis` and `$toMillis` at `epochMs` (the run's clock when the evaluation starts) in
 * `bindings`, except where a workflow variable of that name is bound already (it shadows
 * jsonata's function, as any binding does).
 */
export async function bindClockFunctions(jsonata: typeof import('jsonata'), bindings: Record<string, unknown>, epochMs: number): Promise<void> {
  const [now, millis, fromMillis, toMillis] = await Promise.all([
    readJsonataBuiltin(jsonata, 'now'),
    readJsonataBuiltin(jsonata, 'millis'),
    readJsonataBuiltin(jsonata, 'fromMillis'),
    readJsonataBuiltin(jsonata, 'toMillis'),
  ]);
  if (!Object.hasOwn(bindings, 'now')) {
    bindings.now = {
      ...now,
      implementation: function (this: unknown, picture: unknown, timezone: unknown) {
        return fromMillis.implementation.call(this, epochMs, picture, timezone);
      },
    };
  }
  if (!Object.hasOwn(bindings, 'millis')) bindings.millis = { ...millis, implementation: () => epochMs };
  if (!Object.hasOwn(bindings, 'toMillis')) {
    bindings.toMillis = {
      ...toMillis,
      // jsonata's parser reads the time from its evaluation frame (`this.environment.timestamp`).
      implementation: function (this: { readonly environment: object }, text: unknown, picture: unknown) {
        const focus = { ...this, environment: { ...this.environment, timestamp: new Date(epochMs) } };
        return toMillis.implementation.call(focus, text, picture);
      },
    };
  }
}

/** True when a source may call `$now`, `$millis` or `$toMillis` (a cheap test on its text). */
export function mayReadClock(source: string): boolean {
  return source.includes('$now') || source.includes('$millis') || source.includes('$toMillis');
}
