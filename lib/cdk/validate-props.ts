import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { MAX_DEFINITION_CHARACTERS } from '../asl/index.js';
import { DefinitionError, describeValue } from '../errors.js';
import { isJobDefinition } from '../job/index.js';
import type { JobStateMachineProps } from './job-state-machine-props.js';
import { checkScheduleExpression } from './schedule.js';

/** The oldest Node.js Lambda runtime the construct accepts (nodejs20.x is deprecated). */
export const MIN_NODE_RUNTIME_MAJOR = 22;

const FIDELITIES: readonly string[] = ['exact', 'native'];

/**
 * Checks JobStateMachine props where they enter, before anything is built. Each failure is a
 * DefinitionError naming the construct, the prop path, the value received and the fix.
 */
export function validateJobStateMachineProps(constructPath: string, props: JobStateMachineProps | undefined): void {
  const fail = (message: string): never => {
    throw new DefinitionError(`JobStateMachine "${constructPath}": ${message}`);
  };
  if (typeof props !== 'object' || props === null) {
    fail(`props must be an object, got ${describeValue(props)}; pass { job, entry } or { job, handler }`);
  }
  const p = props!;
  if (p.job === undefined) {
    fail(`props.job is required, got undefined; pass the job made with job({ name, ... }, body)`);
  }
  if (!isJobDefinition(p.job)) {
    fail(`props.job must be a job made with job({ name, ... }, body), got ${describeValue(p.job)}; import the job from its handlers/ file`);
  }
  if (p.entry === undefined && p.handler === undefined) {
    fail(`needs props.entry or props.handler, got neither; pass entry: 'handlers/<file>.ts' (a file exporting handler = jobHandler(job)) or handler: an existing lambda.IFunction`);
  }
  if (p.entry !== undefined && p.handler !== undefined) {
    fail(`props.entry (${describeValue(p.entry)}) and props.handler are both given; pass only one: entry to bundle a function, handler to use an existing one`);
  }
  if (p.handler !== undefined && p.functionProps !== undefined) {
    fail(
      `props.functionProps applies only to a function bundled from props.entry, but props.handler is given; configure the existing function where it is defined, or remove functionProps`,
    );
  }
  if (p.entry !== undefined) validateEntry(p.entry, fail);
  const runtime = p.functionProps?.runtime;
  if (runtime !== undefined) {
    const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
    if (major === undefined || Number(major) < MIN_NODE_RUNTIME_MAJOR) {
      fail(
        `props.functionProps.runtime must be nodejs${MIN_NODE_RUNTIME_MAJOR}.x or newer, got ${describeValue(runtime.name)}; use lambda.Runtime.NODEJS_24_X or remove runtime for the default`,
      );
    }
  }
  if (p.functionProps?.bundling?.forceDockerBundling === true) {
    fail('props.functionProps.bundling.forceDockerBundling is true, but stepops bundles with the local esbuild only; remove forceDockerBundling');
  }
  if (p.timeout !== undefined) validatePositiveDuration('props.timeout', p.timeout, fail);
  if (p.functionProps?.timeout !== undefined) validatePositiveDuration('props.functionProps.timeout', p.functionProps.timeout, fail);
  if (p.stateMachineType !== undefined && !Object.values(sfn.StateMachineType).includes(p.stateMachineType)) {
    fail(`props.stateMachineType must be sfn.StateMachineType.STANDARD or EXPRESS, got ${describeValue(p.stateMachineType)}`);
  }
  if (p.strict !== undefined && typeof p.strict !== 'boolean') {
    fail(`props.strict must be a boolean, got ${describeValue(p.strict)}; use true to turn retry-plan deviations into errors`);
  }
  if (p.fidelity !== undefined && !FIDELITIES.includes(p.fidelity)) {
    fail(`props.fidelity must be 'exact' or 'native', got ${describeValue(p.fidelity)}; remove it for the default, 'exact'`);
  }
  if (p.concurrency !== undefined && p.concurrency !== 'structured' && p.concurrency !== 'exact') {
    fail(`props.concurrency must be 'structured' or 'exact', got ${describeValue(p.concurrency)}; remove it for the default, 'structured'`);
  }
  if (p.coordinationPointInTimeRecovery !== undefined && typeof p.coordinationPointInTimeRecovery !== 'boolean') {
    fail(`props.coordinationPointInTimeRecovery must be a boolean, got ${describeValue(p.coordinationPointInTimeRecovery)}; remove it for the default, false`);
  }
  if (p.maxDefinitionCharacters !== undefined) {
    const max = p.maxDefinitionCharacters;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_DEFINITION_CHARACTERS) {
      fail(`props.maxDefinitionCharacters must be an integer from 1 to ${MAX_DEFINITION_CHARACTERS}, got ${describeValue(max)}; remove it for Step Functions' limit`);
    }
  }
  validateIoProps(p, fail);
  if (p.schedule !== undefined) {
    if (typeof p.schedule !== 'object' || p.schedule === null) {
      fail(`props.schedule must be an object, got ${describeValue(p.schedule)}; pass { expression: 'cron(0 6 * * ? *)' }`);
    }
    const problem = checkScheduleExpression(p.schedule.expression);
    if (problem !== undefined) fail(`props.schedule.expression ${problem}`);
    if (p.schedule.input !== undefined && (typeof p.schedule.input !== 'object' || p.schedule.input === null || Array.isArray(p.schedule.input))) {
      fail(
        `props.schedule.input must be a JSON object (the execution input), got ${describeValue(p.schedule.input)}; pass e.g. { ops: { extract: { config: { day: 'today' } } } }`,
      );
    }
    const attempts = p.schedule.retryAttempts;
    if (attempts !== undefined && (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 0 || attempts > 185)) {
      fail(`props.schedule.retryAttempts must be an integer from 0 to 185 (EventBridge Scheduler's range), got ${describeValue(attempts)}; remove it for the default, 185`);
    }
    const age = p.schedule.maxEventAge;
    if (age !== undefined && !Token.isUnresolved(age.toString())) {
      const seconds = age.toSeconds({ integral: false });
      if (!Number.isInteger(seconds) || seconds < 60 || seconds > 86_400) {
        fail(`props.schedule.maxEventAge must be whole seconds from 1 minute to 24 hours (EventBridge Scheduler's range), got ${age.toHumanString()}; use e.g. Duration.hours(1)`);
      }
    }
  }
}

function validateIoProps(p: JobStateMachineProps, fail: (message: string) => never): void {
  if (p.ioBucket !== undefined && (p.ioExpiration !== undefined || p.ioRemovalPolicy !== undefined)) {
    const given = [p.ioExpiration !== undefined ? 'props.ioExpiration' : undefined, p.ioRemovalPolicy !== undefined ? 'props.ioRemovalPolicy' : undefined]
      .filter(Boolean)
      .join(' and ');
    fail(`${given} apply only to the bucket the construct creates, but props.ioBucket is given; set expiry and removal on your bucket, or remove props.ioBucket`);
  }
  if (p.ioExpiration !== undefined) {
    validatePositiveDuration('props.ioExpiration', p.ioExpiration, fail);
    if (!Token.isUnresolved(p.ioExpiration.toString()) && p.ioExpiration.toMilliseconds() % 86_400_000 !== 0) {
      fail(`props.ioExpiration must be whole days (an S3 lifecycle expiration), got ${p.ioExpiration.toHumanString()}; use e.g. Duration.days(30)`);
    }
    const timeout = p.timeout;
    if (
      timeout !== undefined &&
      !Token.isUnresolved(timeout.toString()) &&
      !Token.isUnresolved(p.ioExpiration.toString()) &&
      timeout.toMilliseconds() > p.ioExpiration.toMilliseconds()
    ) {
      fail(
        `props.ioExpiration (${p.ioExpiration.toHumanString()}) is shorter than props.timeout (${timeout.toHumanString()}): op outputs could expire while a run still needs them; make ioExpiration at least the timeout`,
      );
    }
  }
  if (p.ioRemovalPolicy !== undefined && !Object.values(RemovalPolicy).includes(p.ioRemovalPolicy)) {
    fail(`props.ioRemovalPolicy must be a RemovalPolicy, got ${describeValue(p.ioRemovalPolicy)}; use RemovalPolicy.RETAIN or RemovalPolicy.DESTROY`);
  }
}

function validatePositiveDuration(path: string, value: Duration, fail: (message: string) => never): void {
  if (!(value instanceof Duration)) {
    fail(`${path} must be a Duration, got ${describeValue(value)}; use Duration.minutes(5)`);
  }
  if (Token.isUnresolved(value.toString())) return;
  if (value.toMilliseconds() <= 0) {
    fail(`${path} must be positive, got ${value.toHumanString()}; use e.g. Duration.minutes(5), or remove it for no limit`);
  }
  if (value.toMilliseconds() % 1000 !== 0) {
    fail(`${path} must be whole seconds, got ${value.toMilliseconds() / 1000} seconds; round it, e.g. Duration.seconds(2)`);
  }
}

function validateEntry(entry: string, fail: (message: string) => never): void {
  if (typeof entry !== 'string' || entry.length === 0) {
    fail(`props.entry must be a file path, got ${describeValue(entry)}; pass e.g. 'handlers/pipeline.ts'`);
  }
  const path = resolve(entry);
  if (!existsSync(path) || !statSync(path).isFile()) {
    fail(`props.entry ${describeValue(entry)} is not a file (looked for ${path}); pass the path, from the directory you run cdk in, of a file exporting handler = jobHandler(job)`);
  }
  if (!/\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/.test(path)) {
    fail(`props.entry ${describeValue(entry)} is not a JavaScript or TypeScript file; pass a .ts or .js file exporting handler = jobHandler(job)`);
  }
  if (!declaresHandlerExport(readFileSync(path, 'utf8'))) {
    fail(`props.entry ${describeValue(entry)} does not export "handler"; add \`export const handler = jobHandler(job);\` (import jobHandler from 'stepops/handler') to the file`);
  }
}

/**
 * True when a module's source visibly exports a binding named `handler`, or re-exports a whole
 * module (`export * from`), which may carry it. A textual check: it reads the source, it does
 * not run it.
 */
export function declaresHandlerExport(source: string): boolean {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  if (/^\s*export\s+(?:const|let|var)\s+handler\b/m.test(code)) return true;
  if (/^\s*export\s+(?:async\s+)?function\s*\*?\s*handler\s*[(<]/m.test(code)) return true;
  if (/^\s*export\s+\*\s+from\s+['"]/m.test(code)) return true;
  for (const match of code.matchAll(/^\s*export\s*\{([^}]*)\}/gm)) {
    const names = match[1]!.split(',').map((item) =>
      item
        .trim()
        .split(/\s+as\s+/)
        .pop()!
        .trim(),
    );
    if (names.includes('handler')) return true;
  }
  return false;
}
