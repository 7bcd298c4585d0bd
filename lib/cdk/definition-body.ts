import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { AslDefinition } from '../asl/index.js';

/**
 * Definitions longer than this go to an S3 asset (DefinitionS3Location) instead of the
 * template: CloudFormation takes templates of at most 1 MB from S3, and a job's definitions
 * can each come close to Step Functions' own 1,048,576-character limit.
 */
export const INLINE_DEFINITION_MAX_CHARACTERS = 100_000;

/** Where long definitions are written for CDK to stage as assets: one file per distinct definition. */
export const DEFINITION_FILES_DIRECTORY = join(tmpdir(), 'stepops-definitions');

/**
 * The definition body of one compiled state machine: its JSON with `TimeoutSeconds` when a
 * timeout is given (aws-cdk-lib applies StateMachineProps.timeout only to chained definitions,
 * never to a string or file body), inline when short, else written to a file that CDK uploads
 * as an asset. `${...}` placeholders stay for definitionSubstitutions, which CloudFormation
 * applies to both forms.
 */
export function createDefinitionBody(definition: AslDefinition, timeout: Duration | undefined): sfn.DefinitionBody {
  const body = JSON.stringify(timeout === undefined ? definition : { ...definition, TimeoutSeconds: timeout.toSeconds() });
  if (body.length <= INLINE_DEFINITION_MAX_CHARACTERS) return sfn.DefinitionBody.fromString(body);
  return sfn.DefinitionBody.fromFile(writeDefinitionFile(body));
}

/**
 * Writes a definition's JSON where CDK reads it when it stages the asset (at synth), named by
 * its SHA-256: every synth of the same definition uses the same file, so synths (a `cdk watch`,
 * a test suite) leave one file per distinct definition instead of a new directory each time.
 * Written to a temporary name first, then renamed: a process synthesizing the same definition
 * meanwhile reads either no file or the whole one.
 */
function writeDefinitionFile(body: string): string {
  const file = join(DEFINITION_FILES_DIRECTORY, `${createHash('sha256').update(body).digest('hex')}.asl.json`);
  // Written before (a file of another length under this name is not a whole write: replaced).
  if (statSync(file, { throwIfNoEntry: false })?.size === Buffer.byteLength(body, 'utf8')) return file;
  mkdirSync(DEFINITION_FILES_DIRECTORY, { recursive: true });
  const partial = `${file}.${process.pid}.${Date.now()}.partial`;
  writeFileSync(partial, body);
  renameSync(partial, file);
  return file;
}
