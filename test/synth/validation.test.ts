/** Bad JobStateMachine props fail at synth with the prop path, the value and the fix. */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { JobStateMachine, type JobStateMachineProps } from '../../lib/cdk/index.js';
import { declaresHandlerExport } from '../../lib/cdk/validate-props.js';
import { DefinitionError } from '../../lib/errors.js';
import { smallJob } from './fixtures/small-job.js';
import { createInlineFunction, createStack } from './helpers.js';

const FIXTURE = 'test/synth/fixtures/small-job.ts';
const PREFIX = 'JobStateMachine "TestStack/Job": ';

/** Builds a JobStateMachine with `props(stack)` and expects a DefinitionError with exactly `message`. */
function expectDefinitionError(props: (stack: ReturnType<typeof createStack>) => unknown, message: string): void {
  const stack = createStack();
  let thrown: unknown;
  try {
    new JobStateMachine(stack, 'Job', props(stack) as JobStateMachineProps);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DefinitionError);
  expect((thrown as Error).message).toBe(PREFIX + message);
}

describe('JobStateMachine props validation', () => {
  it('fails when props are missing', () => {
    expectDefinitionError(() => undefined, 'props must be an object, got undefined; pass { job, entry } or { job, handler }');
  });

  it('fails when there is no job', () => {
    expectDefinitionError((stack) => ({ handler: createInlineFunction(stack) }), 'props.job is required, got undefined; pass the job made with job({ name, ... }, body)');
  });

  it('fails when the job is not made by job()', () => {
    expectDefinitionError(
      (stack) => ({ job: { name: 'fake' }, handler: createInlineFunction(stack) }),
      'props.job must be a job made with job({ name, ... }, body), got {"name":"fake"}; import the job from its handlers/ file',
    );
  });

  it('fails when neither entry nor handler is given', () => {
    expectDefinitionError(
      () => ({ job: smallJob }),
      "needs props.entry or props.handler, got neither; pass entry: 'handlers/<file>.ts' (a file exporting handler = jobHandler(job)) or handler: an existing lambda.IFunction",
    );
  });

  it('fails when both entry and handler are given', () => {
    expectDefinitionError(
      (stack) => ({ job: smallJob, entry: FIXTURE, handler: createInlineFunction(stack) }),
      `props.entry ("${FIXTURE}") and props.handler are both given; pass only one: entry to bundle a function, handler to use an existing one`,
    );
  });

  it('fails when functionProps come with a handler', () => {
    expectDefinitionError(
      (stack) => ({ job: smallJob, handler: createInlineFunction(stack), functionProps: { memorySize: 512 } }),
      'props.functionProps applies only to a function bundled from props.entry, but props.handler is given; configure the existing function where it is defined, or remove functionProps',
    );
  });

  it('fails when the entry file is missing', () => {
    expectDefinitionError(
      () => ({ job: smallJob, entry: 'handlers/missing.ts' }),
      `props.entry "handlers/missing.ts" is not a file (looked for ${process.cwd()}/handlers/missing.ts); pass the path, from the directory you run cdk in, of a file exporting handler = jobHandler(job)`,
    );
  });

  it('fails when the entry does not export handler', () => {
    expectDefinitionError(
      () => ({ job: smallJob, entry: 'test/synth/fixtures/no-handler-export.ts' }),
      `props.entry "test/synth/fixtures/no-handler-export.ts" does not export "handler"; add \`export const handler = jobHandler(job);\` (import jobHandler from 'stepops/handler') to the file`,
    );
  });

  it('fails when the entry is not a JavaScript or TypeScript file', () => {
    expectDefinitionError(
      () => ({ job: smallJob, entry: 'cdk.json' }),
      `props.entry "cdk.json" is not a JavaScript or TypeScript file; pass a .ts or .js file exporting handler = jobHandler(job)`,
    );
  });

  it('fails when the runtime is older than nodejs22.x', () => {
    expectDefinitionError(
      () => ({ job: smallJob, entry: FIXTURE, functionProps: { runtime: lambda.Runtime.NODEJS_20_X } }),
      'props.functionProps.runtime must be nodejs22.x or newer, got "nodejs20.x"; use lambda.Runtime.NODEJS_24_X or remove runtime for the default',
    );
  });

  it('fails when bundling is forced into Docker', () => {
    expectDefinitionError(
      () => ({ job: smallJob, entry: FIXTURE, functionProps: { bundling: { forceDockerBundling: true } } }),
      'props.functionProps.bundling.forceDockerBundling is true, but stepops bundles with the local esbuild only; remove forceDockerBundling',
    );
  });

  it('fails when the timeout is not positive', () => {
    expectDefinitionError(
      (stack) => ({ job: smallJob, handler: createInlineFunction(stack), timeout: Duration.seconds(0) }),
      'props.timeout must be positive, got 0 seconds; use e.g. Duration.minutes(5), or remove it for no limit',
    );
  });

  it('fails when the timeout is not whole seconds', () => {
    expectDefinitionError(
      (stack) => ({ job: smallJob, handler: createInlineFunction(stack), timeout: Duration.millis(1500) }),
      'props.timeout must be whole seconds, got 1.5 seconds; round it, e.g. Duration.seconds(2)',
    );
  });

  it('fails when the state machine type is unknown', () => {
    expectDefinitionError(
      (stack) => ({ job: smallJob, handler: createInlineFunction(stack), stateMachineType: 'BATCH' as unknown as sfn.StateMachineType }),
      'props.stateMachineType must be sfn.StateMachineType.STANDARD or EXPRESS, got "BATCH"',
    );
  });

  it('fails when fidelity is unknown', () => {
    expectDefinitionError(
      (stack) => ({ job: smallJob, handler: createInlineFunction(stack), fidelity: 'close' }),
      `props.fidelity must be 'exact' or 'native', got "close"; remove it for the default, 'exact'`,
    );
  });

  it.each([0, 1.5, 1_048_577])('fails when maxDefinitionCharacters is %s', (maxDefinitionCharacters) => {
    expectDefinitionError(
      (stack) => ({ job: smallJob, handler: createInlineFunction(stack), maxDefinitionCharacters }),
      `props.maxDefinitionCharacters must be an integer from 1 to 1048576, got ${maxDefinitionCharacters}; remove it for Step Functions' limit`,
    );
  });

  it('fails when the schedule expression is malformed', () => {
    expectDefinitionError(
      (stack) => ({ job: smallJob, handler: createInlineFunction(stack), schedule: { expression: 'cron(0 6 * * *)' } }),
      `props.schedule.expression must have 6 fields, cron(minutes hours day-of-month month day-of-week year), got 5 in "cron(0 6 * * *)"; e.g. 'cron(0 6 * * ? *)' for 06:00 every day`,
    );
  });

  it('fails when the schedule input is not an object', () => {
    expectDefinitionError(
      (stack) => ({ job: smallJob, handler: createInlineFunction(stack), schedule: { expression: 'rate(1 day)', input: [1, 2] } }),
      "props.schedule.input must be a JSON object (the execution input), got [1,2]; pass e.g. { ops: { extract: { config: { day: 'today' } } } }",
    );
  });
});

describe('declaresHandlerExport', () => {
  it.each([
    ['export const handler = jobHandler(job);', true],
    ['export let handler = x;', true],
    ['export async function handler(event) {}', true],
    ['export function handler(event) {}', true],
    ['const h = 1;\nexport { h as handler };', true],
    ['export { handler } from "./impl.js";', true],
    ['export * from "./impl.js";', true],
    ['// export const handler = 1;\nexport const other = 2;', false],
    ['/* export const handler = 1; */', false],
    ['export const handlers = [];', false],
    ['export { handler as main };', false],
    ['const handler = 1;', false],
  ])('%j -> %s', (source, expected) => {
    expect(declaresHandlerExport(source)).toBe(expected);
  });
});
