import { mkdtempSync, writeFileSync } from 'node:fs';
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
  const file = join(mkdtempSync(join(tmpdir(), 'stepops-definition-')), 'definition.asl.json');
  writeFileSync(file, body);
  return sfn.DefinitionBody.fromFile(file);
}
