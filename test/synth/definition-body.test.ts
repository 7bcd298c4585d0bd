/**
 * How a compiled definition reaches CloudFormation: inline with its TimeoutSeconds, or, when
 * long, as an S3 asset (DefinitionS3Location) with the same substitutions.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { compileJob, FUNCTION_ARN_PLACEHOLDER } from '../../lib/asl/index.js';
import { createDefinitionBody, DEFINITION_FILES_DIRECTORY, INLINE_DEFINITION_MAX_CHARACTERS } from '../../lib/cdk/definition-body.js';
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

/** A body deployed from a file: that body, or a failed test. */
function readFileBody(body: sfn.DefinitionBody): sfn.FileDefinitionBody {
  if (!(body instanceof sfn.FileDefinitionBody)) throw new Error(`expected a FileDefinitionBody, got ${body.constructor.name}`);
  return body;
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

  it('writes a long definition once, named by its content: synthesizing it again adds no file', () => {
    // A definition of its own (a comment no other test uses), so that the count is this test's alone.
    const definition = { ...compileJob(buildChainJob(150)).definition, Comment: `definition-body test ${process.pid}` };
    const first = readFileBody(createDefinitionBody(definition, Duration.minutes(5)));
    const countBefore = readdirSync(DEFINITION_FILES_DIRECTORY).length;
    const second = readFileBody(createDefinitionBody(definition, Duration.minutes(5)));
    expect(second.path).toBe(first.path);
    expect(readdirSync(DEFINITION_FILES_DIRECTORY)).toHaveLength(countBefore);
    expect(JSON.parse(readFileSync(first.path, 'utf8'))).toStrictEqual({ ...definition, TimeoutSeconds: 300 });
    // A file cut short under that name (not a whole write) is written again.
    writeFileSync(first.path, '{"Comment":');
    expect(readFileBody(createDefinitionBody(definition, Duration.minutes(5))).path).toBe(first.path);
    expect(JSON.parse(readFileSync(first.path, 'utf8'))).toStrictEqual({ ...definition, TimeoutSeconds: 300 });
    // Another timeout is another definition: another file.
    const other = readFileBody(createDefinitionBody(definition, Duration.minutes(6)));
    expect(other.path).not.toBe(first.path);
    rmSync(first.path);
    rmSync(other.path);
  });
});
