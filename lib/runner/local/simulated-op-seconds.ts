import { DefinitionError, describeValue } from '../../errors.js';
import type { JobDefinition } from '../../job/index.js';
import { isOpOutcomeMarker, OUTCOME_MARKER_KEY } from '../../job/index.js';
import type { Clock } from '../clock/clock.js';

/** Virtual (or real) seconds each attempt of an op takes in a local run, by invocation name. */
export type SimulatedOpSeconds = Readonly<Record<string, number>>;

/**
 * Checks `runJobLocally`'s simulatedOpSeconds against the job: every key an invocation name
 * (the alias where there is one), every value a finite number of seconds >= 0.
 */
export function readSimulatedOpSeconds(job: JobDefinition, given: unknown): ReadonlyMap<string, number> {
  const seconds = new Map<string, number>();
  if (given === undefined) return seconds;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new DefinitionError(
      `runJobLocally options.simulatedOpSeconds must be an object of seconds by op invocation name, got ${describeValue(given)}; pass e.g. { extract: 30 }`,
    );
  }
  const names = job.invocations.map((invocation) => invocation.name);
  for (const [name, value] of Object.entries(given)) {
    if (!names.includes(name)) {
      throw new DefinitionError(
        `runJobLocally options.simulatedOpSeconds names ${describeValue(name)}, which is not an op invocation of job "${job.name}"; use an invocation name (the alias where there is one): ${names.slice(0, 10).join(', ')}`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new DefinitionError(`runJobLocally options.simulatedOpSeconds.${name} must be a finite number of seconds >= 0, got ${describeValue(value)}; use e.g. 30`);
    }
    seconds.set(name, value);
  }
  return seconds;
}

/**
 * Runs one attempt of op Task `stateName` (the invocation name), then lets `seconds` of it pass
 * on the run's clock before its outcome (output or error) reaches the state machine, so the
 * attempt takes that long, as a real op would. An op the wrapper skipped (an upstream op failed)
 * did not run and takes no time.
 */
export function runForSimulatedSeconds(seconds: ReadonlyMap<string, number>, stateName: string, clock: Clock, attempt: () => Promise<unknown>): Promise<unknown> {
  const duration = seconds.get(stateName);
  // No simulated time: the attempt itself, without a promise around it.
  if (duration === undefined || duration === 0) return attempt();
  return runThenSleep(duration, clock, attempt);
}

async function runThenSleep(duration: number, clock: Clock, attempt: () => Promise<unknown>): Promise<unknown> {
  let output: unknown;
  try {
    output = await attempt();
  } catch (error) {
    await clock.sleep(duration);
    throw error;
  }
  if (!isSkipped(output)) await clock.sleep(duration);
  return output;
}

function isSkipped(output: unknown): boolean {
  return isOpOutcomeMarker(output) && output[OUTCOME_MARKER_KEY] === 'skipped';
}
