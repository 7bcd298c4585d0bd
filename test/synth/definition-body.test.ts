/**
 * How a compiled definition reaches CloudFormation: inline with its TimeoutSeconds, or, when
 * long, as an S3 asset (DefinitionS3Location) with the same substitutions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { compileJob, FUNCTION_ARN_PLACEHOLDER } from '../../lib/asl/index.js';
import { INLINE_DEFINITION_MAX_CHARACTERS } from '../../lib/cdk/definition-body.js';
import { job, op } from '../../lib/index.js';
import { smallJob } from './fixtures/small-job.js';
import { findOnly, readDefinition, synthesizeJob } from './helpers.js';

/** A chain of `count` ops: long enough, at ~1,000 characters per op, to pass the inline limit. */
function buildChainJob(count: number) {
  const step = op({ name: 'step' }, async (_context, value: number) => value + 1);
  const first = op({ name: 'first' }, async () => 0);
  return job({ name: 'long_chain' }, () => {
    let handle = first();
    for (let k = 1; k < count; k += 1) handle = step(handle);
  });
}

describe('JobStateMachine definition body', () => {
  it('puts props.timeout in the definition as TimeoutSeconds (aws-cdk-lib ignores it for string bodies)', () => {
    const { template } = synthesizeJob({ job: smallJob, timeout: Duration.hours(2) });
    expect(readDefinition(template).TimeoutSeconds).toBe(7200);
  });

  it('leaves TimeoutSeconds out without a timeout', () => {
    const { template } = synthesizeJob({ job: smallJob });
    expect(readDefinition(template)).not.toHaveProperty('TimeoutSeconds');
  });

  it('deploys a definition over the inline limit from an S3 asset, substitutions unchanged', () => {
    const longJob = buildChainJob(150);
    const characters = compileJob(longJob).diagnostics.characters;
    expect(characters).toBeGreaterThan(INLINE_DEFINITION_MAX_CHARACTERS);
    const { template, stack } = synthesizeJob({ job: longJob, timeout: Duration.hours(1) });
    const { properties } = findOnly(template, 'AWS::StepFunctions::StateMachine');
    expect(properties).not.toHaveProperty('DefinitionString');
    expect(properties.DefinitionS3Location).toMatchObject({ Bucket: expect.anything(), Key: expect.stringMatching(/\.json$/) });
    expect(Object.keys(properties.DefinitionSubstitutions as object)).toStrictEqual([FUNCTION_ARN_PLACEHOLDER]);
    // The asset staged in the cloud assembly is the compiled definition with its timeout.
    const assembly = stack.node.root as unknown as { synth(): { directory: string } };
    const key = (properties.DefinitionS3Location as { Key: string }).Key;
    const staged = JSON.parse(readFileSync(join(assembly.synth().directory, `asset.${key}`), 'utf8')) as Record<string, unknown>;
    expect(staged).toStrictEqual({ ...compileJob(longJob).definition, TimeoutSeconds: 3600 });
  });
});
