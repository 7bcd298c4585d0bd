import { InternalError } from '../errors.js';
import { sliceWhole } from './error-names.js';
import { MAX_CAUSE_LENGTH } from './limits.js';
import type { HandlerErrorDetails, SerializedOpError } from './op-attempt-error.js';
import { measureCause } from './task-failure.js';

/** An error's message and details, cut so that the Cause the Lambda runtime builds fits. */
export interface FittedError {
  readonly message: string;
  readonly details: HandlerErrorDetails;
  /** The details as one line of JSON: the error's `stack`, the Cause's `trace[0]`. */
  readonly stack: string;
}

/** The characters of `{"errorType":"","errorMessage":"","trace":[""]}`: the Cause around its three texts. */
const CAUSE_FRAME_LENGTH = 47;

/**
 * False when the Cause measureCause would measure is certainly at most `maxCauseLength`: each
 * character of its texts takes at most 6 in it (a `\uXXXX` escape; DEL's `%7F` takes 3, a
 * line break's `","` 3), so short texts need no measuring.
 */
function mayExceed(name: string, message: string, stack: string, maxCauseLength: number): boolean {
  return CAUSE_FRAME_LENGTH + 6 * (name.length + message.length + stack.length) > maxCauseLength;
}

/**
 * Cuts `message` and `details` until the Cause the Lambda runtime will build from an error
 * with this name, message and `stack` = JSON.stringify(details) is at most `maxCauseLength`
 * characters. Whole pieces go first: stacks (deepest cause first), then the deepest causes;
 * then long strings (messages, names, metadata values) are shortened, each keeping its start
 * and saying how much was cut; then a Failure's metadata. Text is only ever cut before it is
 * JSON-encoded, so both JSON levels stay valid. `details.truncated` lists what was cut.
 */
export function fitCause(name: string, message: string, details: HandlerErrorDetails, maxCauseLength = MAX_CAUSE_LENGTH): FittedError {
  const fits = (candidateMessage: string, candidate: HandlerErrorDetails): FittedError | undefined => {
    const stack = JSON.stringify(candidate);
    const fitting = mayExceed(name, candidateMessage, stack, maxCauseLength) ? measureCause(name, candidateMessage, stack) <= maxCauseLength : true;
    return fitting ? { message: candidateMessage, details: candidate, stack } : undefined;
  };
  const whole = fits(message, details);
  if (whole !== undefined) return whole;

  const truncated: string[] = [];
  let chain = flattenChain(details.error);
  const withChain = (): HandlerErrorDetails => ({ ...details, error: rebuildChain(chain), truncated: [...truncated] });

  for (let index = chain.length - 1; index >= 0; index -= 1) {
    if (chain[index]?.stack === undefined) continue;
    chain = chain.map((link, at) => (at === index ? withoutKey(link, 'stack') : link));
    if (!truncated.includes('stacks')) truncated.push('stacks');
    const fitted = fits(message, withChain());
    if (fitted !== undefined) return fitted;
  }
  if (chain.length > 1) truncated.push('causes');
  while (chain.length > 1) {
    chain = chain.slice(0, -1);
    const fitted = fits(message, withChain());
    if (fitted !== undefined) return fitted;
  }

  truncated.push('strings');
  const shortened = shortenStrings(message, withChain(), fits);
  if (shortened !== undefined) return shortened;

  chain = chain.map((link) => withoutKey(link, 'metadata'));
  truncated.push('metadata');
  const bare = shortenStrings(message, withChain(), fits);
  if (bare !== undefined) return bare;

  // Only an op name or error name of many thousand characters gets here: keep the decision alone.
  const { error: _error, op, ...decision } = details;
  const minimal = fits('', { ...decision, op: sliceWhole(op, 80), truncated: [...truncated, 'error'] });
  if (minimal !== undefined) return minimal;
  throw new InternalError(`could not fit an error named ${name.slice(0, 80)}... into ${maxCauseLength} characters`);
}

/**
 * Finds the longest string length L such that the message and every string in the op error
 * (and the op name) cut to L characters fit; undefined when even L = 0 does not.
 */
function shortenStrings(message: string, details: HandlerErrorDetails, fits: (message: string, details: HandlerErrorDetails) => FittedError | undefined): FittedError | undefined {
  const attempt = (limit: number): FittedError | undefined =>
    fits(cutString(message, limit), {
      ...details,
      op: cutString(details.op, limit),
      ...(details.error === undefined ? {} : { error: cutStrings(details.error, limit) as SerializedOpError }),
    });
  let best = attempt(0);
  if (best === undefined) return undefined;
  let low = 0;
  let high = Math.max(message.length, longestString(details));
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    const fitted = attempt(middle);
    if (fitted !== undefined) {
      best = fitted;
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return best;
}

function cutString(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const kept = sliceWhole(text, limit);
  return `${kept}...[${text.length - kept.length} characters cut]`;
}

function cutStrings(value: unknown, limit: number): unknown {
  if (typeof value === 'string') return cutString(value, limit);
  if (Array.isArray(value)) return value.map((item) => cutStrings(item, limit));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cutStrings(item, limit)]));
  }
  return value;
}

function longestString(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value !== 'object' || value === null) return 0;
  let longest = 0;
  for (const item of Object.values(value)) longest = Math.max(longest, longestString(item));
  return longest;
}

type ChainLink = Omit<SerializedOpError, 'cause'>;

function flattenChain(error: SerializedOpError | undefined): ChainLink[] {
  const chain: ChainLink[] = [];
  for (let link = error; link !== undefined; link = link.cause) chain.push(withoutKey(link, 'cause'));
  return chain;
}

function rebuildChain(chain: readonly ChainLink[]): SerializedOpError | undefined {
  let error: SerializedOpError | undefined;
  for (let index = chain.length - 1; index >= 0; index -= 1) {
    const link = chain[index]!;
    error = error === undefined ? link : { ...link, cause: error };
  }
  return error;
}

function withoutKey<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const { [key]: _dropped, ...rest } = value;
  return rest;
}
