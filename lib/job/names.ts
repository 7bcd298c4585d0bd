import { DefinitionError, describeValue } from '../errors.js';

/** Op, invocation and job names: what Dagster allows, and what fits a Step Functions state name. */
export const NAME_PATTERN = /^[A-Za-z0-9_]+$/;
export const MAX_NAME_LENGTH = 80;

/** Throws a DefinitionError naming `field` unless `value` is a valid name. */
export function checkName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new DefinitionError(`${field} must match ${NAME_PATTERN.source} (letters, digits, underscores), got ${describeValue(value)}; use e.g. "load_orders"`);
  }
  if (value.length > MAX_NAME_LENGTH) {
    throw new DefinitionError(
      `${field} must be at most ${MAX_NAME_LENGTH} characters (a Step Functions state name), got ${value.length} characters (${describeValue(value)}); shorten it`,
    );
  }
  return value;
}
