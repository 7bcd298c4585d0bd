import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './cli-error.js';

/**
 * The value of `run --simulate`: seconds per op attempt by invocation name, as
 * `extract=30,load=5` or the path (relative to `cwd`) of a JSON file `{"extract": 30}`.
 * runJobLocally checks the names and numbers against the job.
 * @default undefined when the option is absent
 */
export function readSimulateOption(value: string | undefined, cwd: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (value.includes('=')) return parsePairs(value);
  const path = resolve(cwd, value);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT')
      throw new CliError(`--simulate file ${value} not found (${path})`, 'pass op=seconds pairs such as --simulate extract=30,load=5, or the path of a JSON file {"extract": 30}');
    throw new CliError(`cannot read --simulate file ${value} (${(error as Error).message})`, 'check the file exists and is readable');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--simulate file ${value} is not valid JSON (${(error as Error).message})`, 'write an object of seconds by op name, e.g. {"extract": 30, "load": 5}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`--simulate file ${value} must hold an object of seconds by op name, got ${JSON.stringify(parsed)}`, 'write e.g. {"extract": 30, "load": 5}');
  }
  return parsed as Record<string, unknown>;
}

function parsePairs(value: string): Record<string, number> {
  const seconds: Record<string, number> = {};
  for (const pair of value.split(',')) {
    const match = /^\s*([A-Za-z0-9_]+)\s*=\s*(\S+)\s*$/.exec(pair);
    const number = match === null ? NaN : Number(match[2]);
    if (match === null || !Number.isFinite(number) || number < 0) {
      throw new CliError(
        `--simulate takes op=seconds pairs separated by commas, got ${JSON.stringify(pair)} in ${JSON.stringify(value)}`,
        'pass e.g. --simulate extract=30,load=5 (seconds >= 0 per attempt), or the path of a JSON file',
      );
    }
    seconds[match[1]!] = number;
  }
  return seconds;
}
