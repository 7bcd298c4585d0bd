import { DefinitionError, describeValue } from '../errors.js';
import { isRetryPolicy, type RetryPolicy } from '../policy/retry-policy.js';
import { recordJobBody, type OpInvocation } from './job-builder.js';
import { checkName } from './names.js';

const JOB_BRAND = Symbol.for('stepops.job');

export interface JobConfig {
  /** Matches ^[A-Za-z0-9_]+$, at most 80 characters. */
  readonly name: string;
  /** The policy for every op that has neither an invocation nor a definition policy. @default - none */
  readonly opRetryPolicy?: RetryPolicy;
  /** @default - none */
  readonly description?: string;
}

/** A job: a graph of op invocations, the unit compiled to one state machine. */
export interface JobDefinition {
  readonly kind: 'job';
  readonly name: string;
  readonly description: string | undefined;
  readonly opRetryPolicy: RetryPolicy | undefined;
  /** In the order the body made them, which is a topological order of the graph. */
  readonly invocations: readonly OpInvocation[];
  /** The invocation with this name, if any. */
  getInvocation(name: string): OpInvocation | undefined;
}

/**
 * Defines a job (Dagster's @job): runs `body` once, recording each op call as an invocation
 * and each handle passed as an input as a dependency.
 */
export function job(config: JobConfig, body: () => void): JobDefinition {
  if (typeof config !== 'object' || config === null) {
    throw new DefinitionError(`job config must be an object, got ${describeValue(config)}; pass { name: 'my_job' }`);
  }
  const name = checkName('job.name', config.name);
  if (config.opRetryPolicy !== undefined && !isRetryPolicy(config.opRetryPolicy)) {
    throw new DefinitionError(`job "${name}" opRetryPolicy must be a RetryPolicy, got ${describeValue(config.opRetryPolicy)}; use new RetryPolicy({ ... })`);
  }
  if (typeof body !== 'function') {
    throw new DefinitionError(`job "${name}" needs a body function that calls its ops, got ${describeValue(body)}`);
  }
  const invocations = Object.freeze([...recordJobBody(name, body)]);
  if (invocations.length === 0) {
    throw new DefinitionError(`job "${name}" is empty: its body called no op; call at least one op inside the body`);
  }
  const byName = new Map(invocations.map((invocation) => [invocation.name, invocation]));
  const definition: JobDefinition = {
    kind: 'job',
    name,
    description: config.description,
    opRetryPolicy: config.opRetryPolicy,
    invocations,
    getInvocation: (invocationName) => byName.get(invocationName),
  };
  Object.defineProperty(definition, JOB_BRAND, { value: true });
  return Object.freeze(definition);
}

/** True for a job made by job() (from any loaded copy of stepops). */
export function isJobDefinition(value: unknown): value is JobDefinition {
  return typeof value === 'object' && value !== null && (value as { [JOB_BRAND]?: boolean })[JOB_BRAND] === true;
}
