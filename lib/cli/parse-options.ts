import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './cli-error.js';
import { MAX_FUNCTION_TIMEOUT_SECONDS } from '../asl/asl-constants.js';

/**
 * The value of `--input`: inline JSON, or `@path` to a JSON file (relative to `cwd`).
 * @default {} when the option is absent
 */
export function readInputOption(value: string | undefined, cwd: string): unknown {
  if (value === undefined) return {};
  let text = value;
  let source = '--input';
  if (value.startsWith('@')) {
    const path = resolve(cwd, value.slice(1));
    source = `--input file ${value.slice(1)}`;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ENOENT') throw new CliError(`${source} not found (${path})`, 'pass @<path to a JSON file> relative to the current directory');
      throw new CliError(`cannot read ${source} (${(error as Error).message})`, 'check the file exists and is readable');
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${source} is not valid JSON (${(error as Error).message})`, `pass JSON such as '{"ops":{"my_op":{"config":{}}}}' or @input.json`);
  }
}

/** `--seed n`: an integer. */
export function parseSeedOption(value: string): number {
  const seed = Number(value);
  if (value.trim() === '' || !Number.isInteger(seed)) {
    throw new CliError(`--seed must be an integer, got ${JSON.stringify(value)}`, 'pass e.g. --seed 42');
  }
  return seed;
}

/** `--function-timeout s`: a Lambda function timeout, whole seconds from 1 to 900. */
export function parseFunctionTimeoutOption(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_FUNCTION_TIMEOUT_SECONDS) {
    throw new CliError(
      `--function-timeout must be a whole number of seconds from 1 to ${MAX_FUNCTION_TIMEOUT_SECONDS} (a Lambda function's timeout), got ${JSON.stringify(value)}`,
      'pass e.g. --function-timeout 60',
    );
  }
  return seconds;
}

/** `--interval s`: seconds between polls, a number > 0. */
export function parseIntervalOption(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new CliError(`--interval must be a number of seconds > 0, got ${JSON.stringify(value)}`, 'pass e.g. --interval 5');
  }
  return seconds;
}

/** `--max-definition-characters n`: an integer >= 1 (compileJob checks the upper bound). */
export function parseMaxDefinitionCharactersOption(value: string): number {
  const characters = Number(value);
  if (value.trim() === '' || !Number.isInteger(characters) || characters < 1) {
    throw new CliError(`--max-definition-characters must be a positive integer, got ${JSON.stringify(value)}`, 'pass e.g. --max-definition-characters 20000');
  }
  return characters;
}
