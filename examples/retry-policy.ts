import { Backoff, Jitter, RetryPolicy, createSeededRandom } from 'stepops';

// Dagster's defaults: one retry, at once.
console.log(String(new RetryPolicy()));

// Seconds before retries 1..4, exactly Dagster's calculate_delay.
const linear = new RetryPolicy({ maxRetries: 4, delay: 2, backoff: Backoff.LINEAR });
const exponential = new RetryPolicy({ maxRetries: 4, delay: 1, backoff: Backoff.EXPONENTIAL });
console.log([1, 2, 3, 4].map((n) => linear.calculateDelay(n)));
console.log([1, 2, 3, 4].map((n) => exponential.calculateDelay(n)));

// Jitter takes an injectable random source; PLUS_MINUS widens by the base delay.
const jittered = new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL, jitter: Jitter.PLUS_MINUS });
console.log(jittered.delayRange(3), jittered.calculateDelay(3, createSeededRandom(7)).toFixed(3));

// Extension: cap every wait at 10 s.
const capped = new RetryPolicy({ maxRetries: 5, delay: 3, backoff: Backoff.EXPONENTIAL, maxDelay: 10 });
console.log([1, 2, 3, 4, 5].map((n) => capped.calculateDelay(n)));

// Mistakes fail where the policy is defined, naming the field, the value and the fix.
try {
  new RetryPolicy({ maxRetries: 1.5 });
} catch (error) {
  console.log((error as Error).message);
}
