import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'golden');

/**
 * The JSON fixture `golden/<name>.json`. With UPDATE_GOLDEN=1 the fixture is (re)written from
 * `actual` first: review the diff by eye before committing it. A missing fixture fails, so a
 * deleted golden never recreates itself in CI.
 */
export function readGolden(name: string, actual: unknown): unknown {
  const path = join(GOLDEN_DIR, `${name}.json`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(actual, null, 2)}\n`);
  }
  if (!existsSync(path)) {
    throw new Error(`golden ${path} is missing; write it with UPDATE_GOLDEN=1 npx vitest run test/compile/golden.test.ts and review it before committing`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}
