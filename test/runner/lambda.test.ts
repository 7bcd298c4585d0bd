import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { runStateMachine } from '../../lib/runner/index.js';
import { machine } from './helpers.js';

const lambdaMock = mockClient(LambdaClient);
afterEach(() => lambdaMock.reset());

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

const def = machine('Invoke', {
  Invoke: {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Arguments: { FunctionName: 'my-fn', Payload: { n: '{% $states.input.n %}' }, Qualifier: 'live' },
    End: true,
  },
});

describe('lambda:invoke without a handler', () => {
  it('invokes through the client and returns the integration result shape', async () => {
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      ExecutedVersion: '7',
      Payload: encode({ doubled: 4 }) as never,
      $metadata: { httpStatusCode: 200, requestId: 'req-1' },
    });
    const result = await runStateMachine(def, { input: { n: 2 }, lambda: new LambdaClient({ region: 'us-east-1' }) });
    expect(result.status).toBe('SUCCEEDED');
    const sent = lambdaMock.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(sent).toStrictEqual({ FunctionName: 'my-fn', Payload: '{"n":2}', Qualifier: 'live' });
    const output = result.output as Record<string, unknown>;
    expect(Object.keys(output)).toStrictEqual(['ExecutedVersion', 'Payload', 'SdkHttpMetadata', 'SdkResponseMetadata', 'StatusCode']);
    expect(output).toMatchObject({
      ExecutedVersion: '7',
      Payload: { doubled: 4 },
      SdkHttpMetadata: { HttpStatusCode: 200, HttpHeaders: { 'x-amzn-RequestId': 'req-1', 'X-Amz-Executed-Version': '7' } },
      SdkResponseMetadata: { RequestId: 'req-1' },
      StatusCode: 200,
    });
    expect((output.SdkHttpMetadata as { AllHttpHeaders: Record<string, string[]> }).AllHttpHeaders['x-amzn-RequestId']).toStrictEqual(['req-1']);
  });

  it('a FunctionError fails the task with the payload errorType and the payload as Cause', async () => {
    const payload = { errorType: 'Op.Failed', errorMessage: 'nope', trace: ['Op.Failed: nope'] };
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: encode(payload) as never, $metadata: {} });
    const result = await runStateMachine(def, { input: { n: 1 }, lambda: new LambdaClient({ region: 'us-east-1' }) });
    expect(result.status).toBe('FAILED');
    expect(result.error).toStrictEqual({ error: 'Op.Failed', cause: JSON.stringify(payload) });
    const failed = result.history.find((e) => e.type === 'TaskFailed')!;
    expect(failed.taskFailedEventDetails).toStrictEqual({ resourceType: 'lambda', resource: 'invoke', error: 'Op.Failed', cause: JSON.stringify(payload) });
  });

  it('an SDK exception becomes Lambda.<Exception>', async () => {
    lambdaMock.on(InvokeCommand).rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: { httpStatusCode: 404, requestId: 'r' } }));
    const result = await runStateMachine(def, { input: { n: 1 }, lambda: new LambdaClient({ region: 'us-east-1' }) });
    expect(result.error?.error).toBe('Lambda.ResourceNotFoundException');
    expect(result.error?.cause).toContain('Function not found');
  });

  it('a handler, when given, replaces the Lambda call', async () => {
    const result = await runStateMachine(def, { input: { n: 1 }, taskHandlers: { Invoke: (args) => args }, lambda: new LambdaClient({ region: 'us-east-1' }) });
    expect(result.output).toStrictEqual({ FunctionName: 'my-fn', Payload: { n: 1 }, Qualifier: 'live' });
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});

describe('a Lambda function ARN as Resource, without a handler', () => {
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:my-fn';
  const direct = machine('Work', { Work: { Type: 'Task', Resource: arn, Arguments: { n: '{% $states.input.n %}' }, End: true } });

  it('invokes the function with the Arguments as Payload; the result is its response', async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: encode({ doubled: 4 }) as never, $metadata: { httpStatusCode: 200, requestId: 'r' } });
    const result = await runStateMachine(direct, { input: { n: 2 }, lambda: new LambdaClient({ region: 'us-east-1' }) });
    expect(lambdaMock.commandCalls(InvokeCommand)[0]!.args[0].input).toStrictEqual({ FunctionName: arn, Payload: '{"n":2}' });
    expect(result.output).toStrictEqual({ doubled: 4 });
    expect(result.history.map((event) => event.type)).toContain('LambdaFunctionSucceeded');
  });

  it('a function error is LambdaFunctionFailed with its errorType and the payload as cause', async () => {
    const payload = { errorType: 'Boom', errorMessage: 'no', trace: [] };
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: encode(payload) as never, $metadata: {} });
    const result = await runStateMachine(direct, { input: { n: 2 }, lambda: new LambdaClient({ region: 'us-east-1' }) });
    expect(result.history.find((event) => event.type === 'LambdaFunctionFailed')!.lambdaFunctionFailedEventDetails).toStrictEqual({
      error: 'Boom',
      cause: JSON.stringify(payload),
    });
  });
});
