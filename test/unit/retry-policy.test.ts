import { describe, expect, it } from 'vitest';
import { Backoff, DefinitionError, Jitter, RetryPolicy } from '../../lib/index.js';

const delays = (policy: RetryPolicy, count: number, random?: () => number): number[] => Array.from({ length: count }, (_, index) => policy.calculateDelay(index + 1, random));

describe('RetryPolicy defaults', () => {
  it('has Dagster defaults: one retry, no delay, no backoff, no jitter', () => {
    const policy = new RetryPolicy();
    expect([policy.maxRetries, policy.delay, policy.backoff, policy.jitter, policy.maxDelay]).toStrictEqual([1, undefined, undefined, undefined, undefined]);
    expect(policy.calculateDelay(1)).toBe(0);
  });

  it('is immutable', () => {
    const policy = new RetryPolicy({ maxRetries: 2 });
    expect(() => {
      (policy as { maxRetries: number }).maxRetries = 5;
    }).toThrow(TypeError);
  });
});

describe('calculateDelay: Dagster vectors', () => {
  it.each([
    { name: 'delay 2, no backoff', options: { delay: 2 }, expected: [2, 2, 2, 2] },
    { name: 'delay 1 EXPONENTIAL', options: { delay: 1, backoff: Backoff.EXPONENTIAL }, expected: [1, 3, 7, 15] },
    { name: 'delay 2 EXPONENTIAL', options: { delay: 2, backoff: Backoff.EXPONENTIAL }, expected: [2, 6, 14, 30] },
    { name: 'delay 2 LINEAR', options: { delay: 2, backoff: Backoff.LINEAR }, expected: [2, 4, 6, 8] },
    { name: 'delay 0 LINEAR', options: { delay: 0, backoff: Backoff.LINEAR }, expected: [0, 0, 0, 0] },
    { name: 'delay 3 EXPONENTIAL capped at 10 (extension)', options: { delay: 3, backoff: Backoff.EXPONENTIAL, maxDelay: 10 }, expected: [3, 9, 10, 10] },
  ])('$name -> $expected', ({ options, expected }) => {
    expect(delays(new RetryPolicy({ maxRetries: 4, ...options }), 4)).toStrictEqual(expected);
  });

  it('delay 0.2 EXPONENTIAL -> 0.2, 0.6, 1.4, 3.0 (floating point as Dagster computes it)', () => {
    const got = delays(new RetryPolicy({ maxRetries: 4, delay: 0.2, backoff: Backoff.EXPONENTIAL }), 4);
    expect(got).toStrictEqual([0.2, (2 ** 2 - 1) * 0.2, (2 ** 3 - 1) * 0.2, (2 ** 4 - 1) * 0.2]);
    expect(got.map((value) => Number(value.toFixed(10)))).toStrictEqual([0.2, 0.6, 1.4, 3]);
  });
});

describe('calculateDelay: jitter', () => {
  it.each([
    { random: 0, expected: 0 },
    { random: 0.5, expected: 3 },
    { random: 0.999, expected: 5.994 },
  ])('FULL: random() * calculated, random $random -> $expected', ({ random, expected }) => {
    const policy = new RetryPolicy({ delay: 2, backoff: Backoff.LINEAR, jitter: Jitter.FULL, maxRetries: 3 });
    expect(policy.calculateDelay(3, () => random)).toBeCloseTo(expected, 10);
  });

  it.each([
    { random: 0, expected: 12 },
    { random: 0.5, expected: 14 },
    { random: 0.75, expected: 15 },
  ])('PLUS_MINUS widens by the BASE delay: delay 2 EXPONENTIAL retry 3, random $random -> $expected', ({ random, expected }) => {
    const policy = new RetryPolicy({ delay: 2, backoff: Backoff.EXPONENTIAL, jitter: Jitter.PLUS_MINUS, maxRetries: 3 });
    expect(policy.calculateDelay(3, () => random)).toBe(expected);
  });

  it('PLUS_MINUS stays in [calc - delay, calc + delay) for any random value', () => {
    const policy = new RetryPolicy({ delay: 2, backoff: Backoff.EXPONENTIAL, jitter: Jitter.PLUS_MINUS, maxRetries: 3 });
    for (const random of [0, 0.1, 0.5, 0.9, 0.999999]) {
      const value = policy.calculateDelay(3, () => random);
      expect(value).toBeGreaterThanOrEqual(12);
      expect(value).toBeLessThan(16);
    }
    expect(policy.delayRange(3)).toStrictEqual({ min: 12, max: 16 });
  });

  it('maxDelay caps after jitter', () => {
    const policy = new RetryPolicy({ delay: 10, jitter: Jitter.PLUS_MINUS, maxDelay: 12 });
    expect(policy.calculateDelay(1, () => 0.9)).toBe(12);
    expect(policy.calculateDelay(1, () => 0.1)).toBe(2);
    expect(policy.delayRange(1)).toStrictEqual({ min: 0, max: 12 });
  });

  it('uses Math.random by default', () => {
    const policy = new RetryPolicy({ delay: 1, jitter: Jitter.FULL });
    const value = policy.calculateDelay(1);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThan(1);
  });
});

describe('RetryPolicy validation', () => {
  it.each([
    [{ maxRetries: 1.5 }, 'RetryPolicy.maxRetries must be a non-negative integer, got 1.5; use a whole number such as 3'],
    [{ maxRetries: -1 }, 'RetryPolicy.maxRetries must be a non-negative integer, got -1; use a whole number such as 3'],
    [{ maxRetries: '3' }, 'RetryPolicy.maxRetries must be a non-negative integer, got "3"; use a whole number such as 3'],
    [{ delay: -1 }, 'RetryPolicy.delay must be a finite number of seconds >= 0, got -1; use e.g. 0.2 for 200 ms'],
    [{ delay: Infinity }, 'RetryPolicy.delay must be a finite number of seconds >= 0, got Infinity; use e.g. 0.2 for 200 ms'],
    [{ delay: Number.NaN }, 'RetryPolicy.delay must be a finite number of seconds >= 0, got NaN; use e.g. 0.2 for 200 ms'],
    [{ delay: 1, maxDelay: -5 }, 'RetryPolicy.maxDelay must be a finite number of seconds >= 0, got -5; use e.g. 0.2 for 200 ms'],
    [{ delay: 1, backoff: 'QUADRATIC' }, `RetryPolicy.backoff must be Backoff.LINEAR or Backoff.EXPONENTIAL, got "QUADRATIC"; import Backoff from 'stepops'`],
    [{ delay: 1, jitter: 'HALF' }, `RetryPolicy.jitter must be Jitter.FULL or Jitter.PLUS_MINUS, got "HALF"; import Jitter from 'stepops'`],
    [{ backoff: Backoff.LINEAR }, 'RetryPolicy.backoff needs RetryPolicy.delay, got backoff LINEAR with no delay; set delay (seconds) or remove backoff'],
    [{ jitter: Jitter.FULL }, 'RetryPolicy.jitter needs RetryPolicy.delay, got jitter FULL with no delay; set delay (seconds) or remove jitter'],
    [{ retryOn: 'TimeoutError' }, `RetryPolicy.retryOn must be an array of error names (non-empty strings), got "TimeoutError"; use e.g. ['TimeoutError']`],
    [{ neverRetryOn: [''] }, `RetryPolicy.neverRetryOn must be an array of error names (non-empty strings), got [""]; use e.g. ['TimeoutError']`],
  ])('fails for %j with the field, the value and the fix', (options, message) => {
    const build = () => new RetryPolicy(options as never);
    expect(build).toThrow(DefinitionError);
    expect(build).toThrow(message);
  });

  it('fails for a retry number below 1 in calculateDelay', () => {
    expect(() => new RetryPolicy().calculateDelay(0)).toThrow('calculateDelay attemptNum must be an integer >= 1 (1 is the first retry), got 0');
  });
});

describe('RetryPolicy description', () => {
  it('renders JSON in a fixed order and Dagster-like text', () => {
    const policy = new RetryPolicy({ jitter: Jitter.PLUS_MINUS, backoff: Backoff.EXPONENTIAL, delay: 0.2, maxRetries: 3 });
    expect(policy.toJSON()).toStrictEqual({ maxRetries: 3, delay: 0.2, backoff: 'EXPONENTIAL', jitter: 'PLUS_MINUS' });
    expect(String(policy)).toBe('RetryPolicy(maxRetries=3, delay=0.2, backoff=EXPONENTIAL, jitter=PLUS_MINUS)');
  });
});
