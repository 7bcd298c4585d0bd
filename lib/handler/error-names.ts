import { isReservedErrorName } from '../errors.js';
import { MAX_ERROR_NAME_LENGTH } from './limits.js';

/**
 * Prefix put before an op's own error name when that name is reserved (`States.*`,
 * `Lambda.*`, `Sandbox.*`, `Runtime.*`, `stepops.*`): `States.Timeout` thrown by op code fails the op as
 * `stepops.OpError.States.Timeout`, so no retrier or catcher meant for the real Step Functions
 * or Lambda error matches it by accident. The original name stays in the error details.
 */
export const OP_ERROR_PREFIX = 'stepops.OpError.';

/**
 * The Step Functions Error an op fails with for good: its own name, prefixed with
 * OP_ERROR_PREFIX when reserved, cut to 256 characters (the full name stays in the details).
 */
export function toFailureErrorName(opErrorName: string): string {
  const name = isReservedErrorName(opErrorName) ? `${OP_ERROR_PREFIX}${opErrorName}` : opErrorName;
  return cutErrorName(name);
}

/** Cuts an error name to Step Functions' 256-character limit, never inside a surrogate pair. */
export function cutErrorName(name: string): string {
  return name.length <= MAX_ERROR_NAME_LENGTH ? name : sliceWhole(name, MAX_ERROR_NAME_LENGTH);
}

/** The first `length` UTF-16 units of `text`, one fewer when the cut would split a surrogate pair. */
export function sliceWhole(text: string, length: number): string {
  if (length <= 0) return '';
  if (length >= text.length) return text;
  const last = text.charCodeAt(length - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}
