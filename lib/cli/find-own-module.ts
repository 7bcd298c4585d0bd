import { existsSync } from 'node:fs';

/**
 * One of this package's own modules, `stem` relative to `base` (an import.meta.url): the compiled
 * file (.js, in dist/) or its source (.ts, when the CLI runs from lib/ through tsx, as the tests
 * do); undefined when neither exists.
 */
export function findOwnModule(stem: string, base: string): URL | undefined {
  for (const extension of ['.js', '.ts']) {
    const url = new URL(`${stem}${extension}`, base);
    if (existsSync(url)) return url;
  }
  return undefined;
}
