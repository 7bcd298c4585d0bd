import { describeHistoryQuota } from './history-quota.js';
import { DefinitionError, MAX_STATES_SECONDS, RETRY_ERROR, retryAttemptErrorName } from '../errors.js';
import type { RetryMode } from '../job/wire-protocol.js';
import { Jitter } from '../policy/jitter.js';
import type { RetryPolicy } from '../policy/retry-policy.js';
import { INFRASTRUCTURE_ERRORS, LAMBDA_PLATFORM_ERRORS, MAX_ATTEMPTS, MAX_DELAY_SECONDS, PLATFORM_RETRY } from './asl-constants.js';
import type { AslRetrier } from './asl-types.js';
import {
  STRICT_ACCEPTED_DEVIATIONS,
  type PolicyRetryPlan,
  type RetryDeviation,
  type RetryDeviationKind,
  type RetryMechanism,
  type RetryWait,
  type SecondsRange,
} from './retry-plan.js';
import { ceilSeconds, isWholeSeconds, roundForDisplay } from '../policy/whole-seconds.js';

/** 'exact': Dagster's schedule where Step Functions can express it; 'native': Retry blocks only. */
export type RetryFidelity = 'exact' | 'native';

export interface CompileRetryPolicyOptions {
  /**
   * 'exact' uses attempt-indexed retriers and the Catch -> Wait loop where one retrier cannot
   * express the schedule; 'native' uses one geometric retrier (retry mode 'plain') for every
   * policy and reports how far it is from Dagster's schedule.
   * @default 'exact'
   */
  readonly fidelity?: RetryFidelity;
  /**
   * Throw a DefinitionError when the plan has a deviation beyond whole-second rounding and the
   * platform's own retries (see STRICT_ACCEPTED_DEVIATIONS).
   * @default false
   */
  readonly strict?: boolean;
  /** What error messages call the policy, e.g. `op "extract"`. @default 'the retry policy' */
  readonly subject?: string;
}

/**
 * One policy compiled for a Task of a state machine you write yourself (opHandler): its whole
 * Retry array, the retry mode the wrapper uses, the plan. Such a Task has no fault catchers, so
 * Lambda platform errors are retried by the first retrier (advancing State.RetryCount: the
 * plan says so) and timeouts and crashes by a retrier of their own (shared with the policy's
 * when its schedule is constant).
 */
export interface CompiledRetryPolicy {
  readonly retryMode: RetryMode;
  /** Platform retrier first, then the op's retriers, then the infrastructure retrier. */
  readonly retriers: readonly AslRetrier[];
  readonly plan: PolicyRetryPlan;
}

/**
 * One policy compiled for a Task of compileJob: the op's own retriers only (faults are caught,
 * see compile-faults.ts) and the plan (no platform or infrastructure deviations: both are exact).
 */
export interface CompiledOpRetries {
  readonly retryMode: RetryMode;
  readonly retriers: readonly AslRetrier[];
  readonly plan: PolicyRetryPlan;
}

/** Both forms of a compiled policy. */
interface CompiledForms {
  readonly retryMode: RetryMode;
  readonly mechanism: RetryMechanism;
  readonly opRetriers: readonly AslRetrier[];
  readonly waits: readonly RetryWait[];
  /** Deviations of the schedule itself (rounding, jitter bounds, native fit). */
  readonly deviations: readonly RetryDeviation[];
  /** The standalone Retry array and the deviations only it has. */
  readonly standalone: { readonly retriers: readonly AslRetrier[]; readonly deviations: readonly RetryDeviation[] };
}

/** The retrier every op Task starts with: Lambda platform errors, CDK's defaults plus FULL jitter. */
export function buildPlatformRetrier(): AslRetrier {
  return buildRetrier([...LAMBDA_PLATFORM_ERRORS], PLATFORM_RETRY.intervalSeconds, PLATFORM_RETRY.maxAttempts, PLATFORM_RETRY.backoffRate, { full: true });
}

/** Step Functions' defaults for the retrier fields a retrier omits (States Language spec, "Retrying after an error"). */
const DEFAULT_INTERVAL_SECONDS = 1;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_BACKOFF_RATE = 2;

/**
 * A retrier without the fields that change nothing: IntervalSeconds and MaxAttempts when they
 * are Step Functions' defaults (1 s, 3), BackoffRate when it is the default (2.0) or when the
 * retrier retries at most once (the rate only applies from the second retry on: wait k =
 * IntervalSeconds * BackoffRate^(k-1)). `oncePerName`: each of the retrier's error names is
 * thrown at most once per Task visit (attempt-indexed names: the retry number grows with
 * State.RetryCount within a visit, and a visit's entry resets the retrier's count), so the
 * retrier retries at most `maxAttempts` times whatever its MaxAttempts, and a MaxAttempts up to
 * the default is left out too. Every op Task carries these, so each omitted field saves its
 * characters once per op in the definition.
 */
function buildRetrier(
  errorEquals: readonly string[],
  intervalSeconds: number,
  maxAttempts: number,
  backoffRate: number,
  options: { readonly maxDelaySeconds?: number; readonly full?: boolean; readonly oncePerName?: boolean } = {},
): AslRetrier {
  const rateMatters = maxAttempts > 1 && backoffRate !== DEFAULT_BACKOFF_RATE;
  const attemptsMatter = options.oncePerName === true ? maxAttempts > DEFAULT_MAX_ATTEMPTS : maxAttempts !== DEFAULT_MAX_ATTEMPTS;
  return {
    ErrorEquals: [...errorEquals],
    ...(intervalSeconds === DEFAULT_INTERVAL_SECONDS ? {} : { IntervalSeconds: intervalSeconds }),
    ...(attemptsMatter ? { MaxAttempts: maxAttempts } : {}),
    ...(rateMatters ? { BackoffRate: backoffRate } : {}),
    ...(options.maxDelaySeconds === undefined ? {} : { MaxDelaySeconds: options.maxDelaySeconds }),
    ...(options.full === true ? { JitterStrategy: 'FULL' as const } : {}),
  };
}

const PLATFORM_DEVIATION: RetryDeviation = {
  kind: 'platform-retries-advance-retry-number',
  message:
    'Lambda platform errors (Lambda.ServiceException, ...TooManyRequestsException) are retried up to 6 times (2 s, rate 2, FULL jitter) before the op code runs again; each such retry advances State.RetryCount, so the op sees a higher retry number and has fewer policy retries left',
};

/**
 * Compiles one op's retry policy (or none) into the Retry array of its Task and a retry plan.
 * The same function compileJob uses; pair it with the handler's opHandler in a hand-written
 * state machine (send the returned retryMode in the payload).
 */
export function compileRetryPolicy(policy: RetryPolicy | undefined, options: CompileRetryPolicyOptions = {}): CompiledRetryPolicy {
  const subject = options.subject ?? 'the retry policy';
  const forms = compileForms(policy, options.fidelity ?? 'exact', subject);
  const deviations = mergeDeviations(forms.deviations, forms.standalone.deviations);
  const compiled: CompiledRetryPolicy = {
    retryMode: forms.retryMode,
    retriers: forms.standalone.retriers,
    plan: buildPlan(policy, forms.retryMode, forms.mechanism, forms.waits, deviations),
  };
  if (options.strict === true) assertStrict(subject, compiled.plan);
  return compiled;
}

/** compileJob's form of compileRetryPolicy: the op's own retriers (no platform or infrastructure retrier). */
export function compileOpRetries(policy: RetryPolicy | undefined, options: CompileRetryPolicyOptions = {}): CompiledOpRetries {
  const subject = options.subject ?? 'the retry policy';
  const forms = compileForms(policy, options.fidelity ?? 'exact', subject);
  const compiled: CompiledOpRetries = {
    retryMode: forms.retryMode,
    retriers: forms.opRetriers,
    plan: buildPlan(policy, forms.retryMode, forms.mechanism, forms.waits, forms.deviations),
  };
  if (options.strict === true) assertStrict(subject, compiled.plan);
  return compiled;
}

function compileForms(policy: RetryPolicy | undefined, fidelity: RetryFidelity, subject: string): CompiledForms {
  return policy === undefined || policy.maxRetries === 0 ? compileNoRetries() : compilePolicy(policy, fidelity, subject);
}

/** The schedule's deviations with the standalone ones, in the order the plan has always listed them. */
function mergeDeviations(schedule: readonly RetryDeviation[], standalone: readonly RetryDeviation[]): RetryDeviation[] {
  const order: readonly RetryDeviationKind[] = [
    'rounded-up',
    'minimum-interval',
    'full-jitter-bound',
    'native-fit',
    'platform-retries-advance-retry-number',
    'infrastructure-approximation',
    'plus-minus-jitter-dropped',
    'history-quota',
  ];
  return [...schedule, ...standalone].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}

/** The deviations `strict` refuses. */
export function findStrictViolations(plan: PolicyRetryPlan): readonly RetryDeviation[] {
  return plan.deviations.filter((deviation) => !STRICT_ACCEPTED_DEVIATIONS.includes(deviation.kind));
}

function assertStrict(subject: string, plan: PolicyRetryPlan): void {
  const violations = findStrictViolations(plan);
  if (violations.length === 0) return;
  throw new DefinitionError(
    `strict: ${subject} cannot be compiled without deviating from Dagster's schedule: ${violations.map((v) => `[${v.kind}] ${v.message}`).join('; ')}; use fidelity 'exact', change the policy, or drop strict`,
  );
}

function compileNoRetries(): CompiledForms {
  return {
    retryMode: 'plain',
    mechanism: 'none',
    opRetriers: [],
    waits: [],
    deviations: [],
    standalone: { retriers: [buildPlatformRetrier()], deviations: [PLATFORM_DEVIATION] },
  };
}

function compilePolicy(policy: RetryPolicy, fidelity: RetryFidelity, subject: string): CompiledForms {
  if (policy.maxRetries > MAX_ATTEMPTS) {
    throw new DefinitionError(`${subject}: maxRetries ${policy.maxRetries} is over Step Functions' MaxAttempts limit ${MAX_ATTEMPTS}; use at most ${MAX_ATTEMPTS}`);
  }
  const retryNumbers = Array.from({ length: policy.maxRetries }, (_, i) => i + 1);
  // The deterministic part of each wait: backoff capped by maxDelay (FULL jitter's upper bound).
  const centres = retryNumbers.map((n) => Math.min(policy.backoffDelay(n), policy.maxDelay ?? Infinity));
  const intervals = centres.map((w) => Math.max(1, ceilSeconds(w)));
  intervals.forEach((interval, i) => {
    if (interval > MAX_STATES_SECONDS) {
      throw new DefinitionError(
        `${subject}: retry ${i + 1} waits ${roundForDisplay(centres[i]!)} s, over Step Functions' limit of ${MAX_STATES_SECONDS} s; set maxDelay or lower maxRetries`,
      );
    }
  });
  const full = policy.jitter === Jitter.FULL;
  const plusMinus = policy.jitter === Jitter.PLUS_MINUS;
  const constant = intervals.every((interval) => interval === intervals[0]);

  if (plusMinus && fidelity === 'exact') return compileLoop(policy, retryNumbers, centres);
  if (constant) return compilePlain(policy, retryNumbers, centres, intervals, full, plusMinus);
  if (fidelity === 'native') return compileNativeFit(policy, retryNumbers, centres, full, plusMinus);
  return compileIndexed(policy, retryNumbers, centres, intervals, full);
}

/** One retrier for a constant schedule; in the standalone form timeouts and crashes share it (and its count). */
function compilePlain(
  policy: RetryPolicy,
  retryNumbers: readonly number[],
  centres: readonly number[],
  intervals: readonly number[],
  full: boolean,
  plusMinusDropped: boolean,
): CompiledForms {
  const opRetrier = buildRetrier([RETRY_ERROR], intervals[0]!, policy.maxRetries, 1, { full });
  const shared = buildRetrier([RETRY_ERROR, ...INFRASTRUCTURE_ERRORS], intervals[0]!, policy.maxRetries, 1, { full });
  const deviations = describeRetrierRounding(retryNumbers, centres, full);
  if (plusMinusDropped) deviations.push(describePlusMinusDropped(policy));
  return {
    retryMode: 'plain',
    mechanism: 'plain-retrier',
    opRetriers: [opRetrier],
    waits: buildRetrierWaits(policy, retryNumbers, intervals, full),
    deviations,
    standalone: { retriers: [buildPlatformRetrier(), shared], deviations: [PLATFORM_DEVIATION] },
  };
}

/** One retrier per run of equal waits, selected by attempt-indexed error names. */
function compileIndexed(policy: RetryPolicy, retryNumbers: readonly number[], centres: readonly number[], intervals: readonly number[], full: boolean): CompiledForms {
  const retriers: AslRetrier[] = [];
  let start = 0;
  while (start < intervals.length) {
    let end = start;
    while (end + 1 < intervals.length && intervals[end + 1] === intervals[start]) end += 1;
    retriers.push(
      buildRetrier(
        retryNumbers.slice(start, end + 1).map((n) => retryAttemptErrorName(n)),
        intervals[start]!,
        end - start + 1,
        1,
        { full, oncePerName: true },
      ),
    );
    start = end + 1;
  }
  const infrastructure = fitGeometricRetrier(policy, centres, INFRASTRUCTURE_ERRORS, full);
  return {
    retryMode: 'indexed',
    mechanism: 'indexed-retriers',
    opRetriers: retriers,
    waits: buildRetrierWaits(policy, retryNumbers, intervals, full),
    deviations: describeRetrierRounding(retryNumbers, centres, full),
    standalone: {
      retriers: [buildPlatformRetrier(), ...retriers, infrastructure.retrier],
      deviations: [PLATFORM_DEVIATION, describeInfrastructure(policy, infrastructure.waits)],
    },
  };
}

/** PLUS_MINUS jitter: the wrapper draws the wait and the Catch -> Wait loop waits it. */
function compileLoop(policy: RetryPolicy, retryNumbers: readonly number[], centres: readonly number[]): CompiledForms {
  const infrastructure = fitGeometricRetrier(policy, centres, INFRASTRUCTURE_ERRORS, false);
  const waits = retryNumbers.map((n): RetryWait => {
    const dagster = policy.delayRange(n);
    return { retryNumber: n, dagsterSeconds: dagster, compiledSeconds: { min: ceilSeconds(dagster.min), max: ceilSeconds(dagster.max) } };
  });
  const deviations: RetryDeviation[] = [];
  const rounded = waits.filter((w) => !isWholeSeconds(w.dagsterSeconds.min) || !isWholeSeconds(w.dagsterSeconds.max)).map((w) => w.retryNumber);
  if (rounded.length > 0) {
    deviations.push({
      kind: 'rounded-up',
      retryNumbers: rounded,
      message: `the wrapper rounds each drawn wait up to whole seconds for the Wait state (retries ${formatList(rounded)}), so waits fall in [ceil(min), ceil(max)] instead of [min, max)`,
    });
  }
  return {
    retryMode: 'loop',
    mechanism: 'wait-loop',
    opRetriers: [],
    waits,
    deviations,
    standalone: {
      retriers: [buildPlatformRetrier(), infrastructure.retrier],
      deviations: [PLATFORM_DEVIATION, describeInfrastructure(policy, infrastructure.waits)],
    },
  };
}

/** fidelity 'native': one geometric retrier for the whole schedule (in the standalone form, timeouts and crashes included). */
function compileNativeFit(policy: RetryPolicy, retryNumbers: readonly number[], centres: readonly number[], full: boolean, plusMinusDropped: boolean): CompiledForms {
  const fit = fitGeometricRetrier(policy, centres, [RETRY_ERROR], full);
  const shared = fitGeometricRetrier(policy, centres, [RETRY_ERROR, ...INFRASTRUCTURE_ERRORS], full);
  const waits = retryNumbers.map((n, i): RetryWait => ({
    retryNumber: n,
    dagsterSeconds: plusMinusDropped ? { min: centres[i]!, max: centres[i]! } : policy.delayRange(n),
    compiledSeconds: { min: full ? 0 : fit.waits[i]!, max: fit.waits[i]! },
  }));
  const deviations: RetryDeviation[] = [
    {
      kind: 'native-fit',
      retryNumbers: [...retryNumbers],
      message: `fidelity 'native': one geometric retrier (interval ${fit.retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS} s, rate ${fit.rate}${fit.retrier.MaxDelaySeconds === undefined ? '' : `, max ${fit.retrier.MaxDelaySeconds} s`}) waits ${formatSeconds(fit.waits)} s instead of Dagster's ${formatSeconds(centres)} s`,
    },
  ];
  if (full) deviations.push(describeFullJitter(retryNumbers));
  if (plusMinusDropped) deviations.push(describePlusMinusDropped(policy));
  return {
    retryMode: 'plain',
    mechanism: 'native-fit',
    opRetriers: [fit.retrier],
    waits,
    deviations,
    standalone: { retriers: [buildPlatformRetrier(), shared.retrier], deviations: [PLATFORM_DEVIATION] },
  };
}

interface GeometricFit {
  readonly retrier: AslRetrier;
  /** The retrier's backoff rate (its BackoffRate field is left out when it changes nothing). */
  readonly rate: number;
  /** The retrier's wait before its k-th retry (before jitter), k = 1..maxRetries. */
  readonly waits: readonly number[];
}

/**
 * The geometric retrier closest to a schedule: interval = the first wait rounded up, rate
 * through the last uncapped wait (at least 1, rounded up to 2 decimals), MaxDelaySeconds = the
 * cap rounded up, MaxAttempts = maxRetries.
 */
function fitGeometricRetrier(policy: RetryPolicy, centres: readonly number[], errorEquals: readonly string[], full: boolean): GeometricFit {
  const interval = Math.max(1, ceilSeconds(centres[0] ?? 0));
  const cap = policy.maxDelay;
  let last = centres.length - 1;
  while (last > 0 && cap !== undefined && centres[last]! >= cap) last -= 1;
  let rate = 1;
  if (last > 0) {
    const target = Math.max(interval, centres[last]!);
    rate = Math.max(1, Math.ceil(Math.pow(target / interval, 1 / last) * 100 - 1e-9) / 100);
  }
  const maxDelaySeconds = cap === undefined ? undefined : Math.min(MAX_DELAY_SECONDS, Math.max(1, ceilSeconds(cap)));
  const waits = centres.map((_, k) => roundForDisplay(Math.min(interval * Math.pow(rate, k), maxDelaySeconds ?? Infinity)));
  const needsCap = maxDelaySeconds !== undefined && waits.some((_, k) => interval * Math.pow(rate, k) > maxDelaySeconds);
  const retrier = buildRetrier(errorEquals, interval, policy.maxRetries, rate, { ...(needsCap ? { maxDelaySeconds } : {}), full });
  return { retrier, rate, waits };
}

function buildRetrierWaits(policy: RetryPolicy, retryNumbers: readonly number[], intervals: readonly number[], full: boolean): RetryWait[] {
  return retryNumbers.map((n, i) => ({
    retryNumber: n,
    dagsterSeconds: policy.delayRange(n),
    compiledSeconds: { min: full ? 0 : intervals[i]!, max: intervals[i]! },
  }));
}

function buildPlan(
  policy: RetryPolicy | undefined,
  retryMode: RetryMode,
  mechanism: RetryMechanism,
  waits: readonly RetryWait[],
  deviations: readonly RetryDeviation[],
): PolicyRetryPlan {
  const worst = waits.reduce((sum, wait) => sum + wait.compiledSeconds.max, 0);
  const quota = describeHistoryQuota(waits.length, mechanism);
  return {
    policy: policy === undefined ? null : policy.toJSON(),
    retryMode,
    mechanism,
    waits,
    worstCaseTotalWaitSeconds: roundForDisplay(worst),
    deviations: quota === undefined ? deviations : [...deviations, quota],
  };
}

function describeRetrierRounding(retryNumbers: readonly number[], centres: readonly number[], full: boolean): RetryDeviation[] {
  const deviations: RetryDeviation[] = [];
  const zero = retryNumbers.filter((_, i) => centres[i] === 0);
  const rounded = retryNumbers.filter((_, i) => centres[i]! > 0 && !isWholeSeconds(centres[i]!));
  if (rounded.length > 0) {
    deviations.push({
      kind: 'rounded-up',
      retryNumbers: rounded,
      message: `waits rounded up to whole seconds for retries ${formatList(rounded)} (${formatSeconds(rounded.map((n) => centres[n - 1]!))} s become ${formatSeconds(rounded.map((n) => Math.max(1, ceilSeconds(centres[n - 1]!))))} s)`,
    });
  }
  if (zero.length > 0) {
    deviations.push({
      kind: 'minimum-interval',
      retryNumbers: zero,
      message: `a retrier waits at least 1 s: retries ${formatList(zero)} wait 1 s instead of retrying at once`,
    });
  }
  if (full) deviations.push(describeFullJitter(retryNumbers));
  return deviations;
}

function describeFullJitter(retryNumbers: readonly number[]): RetryDeviation {
  return {
    kind: 'full-jitter-bound',
    retryNumbers: [...retryNumbers],
    message: 'native FULL jitter draws each wait from [0, interval] with the interval rounded up to whole seconds, where Dagster draws from [0, delay)',
  };
}

function describePlusMinusDropped(policy: RetryPolicy): RetryDeviation {
  return {
    kind: 'plus-minus-jitter-dropped',
    message: `fidelity 'native' cannot draw PLUS_MINUS jitter: each retry waits the centre of Dagster's range (its backoff), without the +/- ${policy.delay ?? 0} s spread`,
  };
}

function describeInfrastructure(policy: RetryPolicy, waits: readonly number[]): RetryDeviation {
  return {
    kind: 'infrastructure-approximation',
    message: `timeouts and crashes (${INFRASTRUCTURE_ERRORS.join(', ')}) never reach the wrapper; one geometric retrier retries them up to ${policy.maxRetries} times, waiting ${formatSeconds(waits)} s${policy.jitter === Jitter.FULL ? ' (FULL jitter)' : ''}, with its own count: an op that both times out and fails can make up to ${policy.maxRetries} more attempts than maxRetries`,
  };
}

function formatList(numbers: readonly number[]): string {
  return numbers.length > 6 ? `${numbers.slice(0, 5).join(', ')}, ... ${numbers[numbers.length - 1]}` : numbers.join(', ');
}

function formatSeconds(seconds: readonly number[]): string {
  const shown = seconds.map((s) => String(roundForDisplay(s)));
  return shown.length > 6 ? `${shown.slice(0, 5).join(', ')}, ... ${shown[shown.length - 1]}` : shown.join(', ');
}

export type { SecondsRange };
