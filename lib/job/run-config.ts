import type { StandardSchemaV1 } from '@standard-schema/spec';
import { RUN_CONFIG_ERROR, StepopsError, brandError, describeValue, hasErrorBrand } from '../errors.js';
import type { JobDefinition } from './job.js';
import { readReusedOutput } from './reexecution.js';

/** One problem with a run config: where, what was there, what is wrong and how to fix it. */
export interface RunConfigIssue {
  /** Dotted path in the run input, e.g. `ops.fetch_orders.config.limit`; '' for the input itself. */
  readonly path: string;
  /** The value found there (undefined when it is missing). */
  readonly value: unknown;
  /** What is wrong: the schema library's message, or stepops' own. */
  readonly problem: string;
  /** What to do. */
  readonly fix: string;
}

/**
 * A run config (the run input `{ ops: { <op>: { config } } }`, Dagster's run config) that does
 * not fit the job: raised before any op runs. `issues` lists every problem found; the message
 * names each path, the value there and the fix.
 */
export class RunConfigError extends StepopsError {
  readonly issues: readonly RunConfigIssue[];

  constructor(jobName: string, issues: readonly RunConfigIssue[]) {
    super(`run config of job "${jobName}" is invalid: ${issues.map(formatRunConfigIssue).join('; and ')}`);
    this.name = RUN_CONFIG_ERROR;
    this.issues = issues;
    brandError(this, 'RunConfigError');
  }
}

/** True for a RunConfigError from any loaded copy of stepops (a job module may load its own). */
export function isRunConfigError(value: unknown): value is RunConfigError {
  return hasErrorBrand(value, 'RunConfigError');
}

/** `ops.x.config.limit: Expected number (got "ten"); fix: ...`. */
export function formatRunConfigIssue(issue: RunConfigIssue): string {
  const where = issue.path === '' ? 'the run input' : issue.path;
  return `${where}: ${issue.problem} (got ${issue.value === undefined ? 'nothing' : describeValue(issue.value)}); ${issue.fix}`;
}

/** What the wrapper does with an op's config before running it. */
export type PreparedOpConfig = { readonly kind: 'run'; readonly config: unknown } | { readonly kind: 'invalid'; readonly issues: readonly RunConfigIssue[] };

/**
 * Checks the shape of a run input against a job, synchronously: an object (or nothing), whose
 * `ops` (if any) is an object keyed by the job's op invocation names, each `{ config }`.
 * Returns every problem found ([] when there is none). Other top-level keys are left alone.
 */
export function checkRunConfigShape(job: JobDefinition, input: unknown): RunConfigIssue[] {
  const example = '{"ops":{"<op name>":{"config":{...}}}}';
  if (input === undefined || input === null) return [];
  if (typeof input !== 'object' || Array.isArray(input)) {
    return [{ path: '', value: input, problem: 'the run input must be a JSON object', fix: `pass ${example}, or {} when no op takes config` }];
  }
  const ops = (input as Record<string, unknown>).ops;
  if (ops === undefined) return [];
  if (typeof ops !== 'object' || ops === null || Array.isArray(ops)) {
    return [{ path: 'ops', value: ops, problem: 'ops must be an object keyed by op name', fix: `pass ${example}` }];
  }
  const names = job.invocations.map((invocation) => invocation.name);
  const issues: RunConfigIssue[] = [];
  for (const [name, entry] of Object.entries(ops as Record<string, unknown>)) {
    if (job.getInvocation(name) === undefined) {
      issues.push({
        path: `ops.${name}`,
        value: entry,
        problem: `"${name}" is not an op of job "${job.name}" (its ops: ${names.join(', ')})`,
        fix: 'use one of those names under ops',
      });
      continue;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      issues.push({ path: `ops.${name}`, value: entry, problem: `ops.${name} must be an object { config }`, fix: `pass "ops":{"${name}":{"config":{...}}}` });
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (key !== 'config') {
        issues.push({
          path: `ops.${name}.${key}`,
          value: (entry as Record<string, unknown>)[key],
          problem: `"${key}" is not a key of an op's run config`,
          fix: `put the op's settings under ops.${name}.config`,
        });
      }
    }
  }
  return issues;
}

/**
 * Validates one op's config with the op's configSchema (any Standard Schema library) and
 * returns the value the op sees as `ctx.config` (the schema's output: defaults and transforms
 * applied), or the issues. Without a schema the config passes as it is. `path` is where the
 * config sits in the run input, for the messages.
 */
export async function validateOpConfig(
  op: { readonly name: string; readonly configSchema: StandardSchemaV1<unknown, unknown> | undefined },
  opName: string,
  config: unknown,
): Promise<PreparedOpConfig> {
  const schema = op.configSchema;
  if (schema === undefined) return { kind: 'run', config };
  const result = await schema['~standard'].validate(config);
  if (result.issues === undefined) return { kind: 'run', config: result.value };
  return {
    kind: 'invalid',
    issues: result.issues.map((issue) => {
      const keys = (issue.path ?? []).map((segment) => (typeof segment === 'object' && segment !== null ? segment.key : segment));
      return {
        path: [`ops.${opName}.config`, ...keys.map(String)].join('.'),
        value: readPath(config, keys),
        problem: issue.message,
        fix: `give ops.${opName}.config a value op "${op.name}"'s configSchema accepts`,
      };
    }),
  };
}

/** The config the run input gives an op: `input.ops[opName].config`, or {} (what the compiled Task sends). */
export function readOpConfig(input: unknown, opName: string): unknown {
  const entry = (input as { ops?: Record<string, { config?: unknown } | undefined> } | null | undefined)?.ops?.[opName];
  return entry?.config ?? {};
}

/**
 * Checks a whole run config against a job before anything runs (what runJobLocally does):
 * the shape (checkRunConfigShape), then each op's config against its schema. Throws a
 * RunConfigError listing every problem; resolves when there is none.
 */
export async function validateRunConfig(job: JobDefinition, input: unknown): Promise<void> {
  const issues = checkRunConfigShape(job, input);
  if (issues.length === 0) {
    for (const invocation of job.invocations) {
      const config = readOpConfig(input, invocation.name);
      // A re-execution's reused op does not run: its config stands for the recorded output.
      if (readReusedOutput(config) !== undefined) continue;
      // Without a configSchema every config passes (validateOpConfig's rule): no promise per op.
      if (invocation.op.configSchema === undefined) continue;
      const prepared = await validateOpConfig(invocation.op, invocation.name, config);
      if (prepared.kind === 'invalid') issues.push(...prepared.issues);
    }
  }
  if (issues.length > 0) throw new RunConfigError(job.name, issues);
}

function readPath(value: unknown, keys: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
