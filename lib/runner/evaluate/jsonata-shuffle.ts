import { readJsonataBuiltin } from './jsonata-builtins.js';
import type { RandomSource } from './random.js';

/**
 * `$shuffle` drawing from the run's seeded random source: jsonata's own draws from Math.random,
 * so a run with a seed would not repeat. The function bound is jsonata's own function value
 * with its implementation replaced by the same algorithm (the inside-out Fisher-Yates shuffle of
 * jsonata.js, one draw per item): the same signature (`<a:a>`: a single value is shuffled as an
 * array of one, a bad argument fails with jsonata's error), and the same result for the same
 * draws.
 */

/** True when a source may call `$shuffle` (a cheap test on its text). */
export function mayShuffle(source: string): boolean {
  return source.includes('$shuffle');
}

/**
 * Binds `$shuffle` drawing from `random` in `bindings`, except where a workflow variable of that
 * name is bound already (it shadows jsonata's function, as any binding does).
 */
export async function bindSeededShuffle(jsonata: typeof import('jsonata'), bindings: Record<string, unknown>, random: RandomSource): Promise<void> {
  if (Object.hasOwn(bindings, 'shuffle')) return;
  const own = await readJsonataBuiltin(jsonata, 'shuffle');
  bindings.shuffle = { ...own, implementation: (array: unknown) => shuffle(array, random) };
}

/** jsonata.js's shuffle, drawing from `random`. */
function shuffle(array: unknown, random: RandomSource): unknown {
  if (array === undefined) return undefined;
  const items = array as readonly unknown[];
  if (items.length <= 1) return items;
  const result = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    const j = Math.floor(random() * (i + 1));
    if (i !== j) result[i] = result[j];
    result[j] = items[i];
  }
  return result;
}
