import type { InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { StatesError } from '../states/states-error.js';
import { limitFailure } from './task-failure.js';
import type { LambdaClientLike } from '../types.js';

/** The result of the optimized lambda:invoke integration (what `$states.result` sees). */
export interface LambdaInvokeResult {
  readonly ExecutedVersion: string;
  readonly Payload: unknown;
  readonly SdkHttpMetadata: {
    readonly AllHttpHeaders: Readonly<Record<string, readonly string[]>>;
    readonly HttpHeaders: Readonly<Record<string, string>>;
    readonly HttpStatusCode: number;
  };
  readonly SdkResponseMetadata: { readonly RequestId: string };
  readonly StatusCode: number;
}

/**
 * Calls Lambda Invoke as the optimized integration does: the Payload is sent as JSON, the
 * response Payload is parsed, and a FunctionError fails the task with Error = the payload's
 * errorType (Lambda.Unknown when it has none) and Cause = the payload string. SDK errors
 * become `Lambda.<ExceptionName>`.
 */
export async function invokeLambda(client: LambdaClientLike, args: unknown, stateName: string, nowMs: number): Promise<LambdaInvokeResult> {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new StatesError(
      'States.Runtime',
      `An error occurred while executing the state '${stateName}'. The Arguments of a lambda:invoke Task must be an object with FunctionName.`,
    );
  }
  const { FunctionName, Payload, Qualifier, InvocationType, LogType, ClientContext } = args as Record<string, unknown>;
  if (typeof FunctionName !== 'string') {
    throw new StatesError('States.Runtime', `An error occurred while executing the state '${stateName}'. The Arguments of a lambda:invoke Task need a FunctionName string.`);
  }
  // Loaded on the first call: runs with in-process ops (stepops run) never pay for the SDK's modules.
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  const command = new InvokeCommand({
    FunctionName,
    ...(Payload === undefined ? {} : { Payload: JSON.stringify(Payload) }),
    ...(typeof Qualifier === 'string' ? { Qualifier } : {}),
    ...(InvocationType === 'RequestResponse' || InvocationType === 'Event' || InvocationType === 'DryRun' ? { InvocationType } : {}),
    ...(LogType === 'None' || LogType === 'Tail' ? { LogType } : {}),
    ...(typeof ClientContext === 'string' ? { ClientContext } : {}),
  });
  let response: InvokeCommandOutput;
  try {
    response = await client.send(command);
  } catch (error) {
    throw toLambdaServiceError(error);
  }
  const payloadText = response.Payload === undefined ? '' : new TextDecoder().decode(response.Payload);
  if (response.FunctionError !== undefined) {
    const failure = limitFailure(readErrorType(payloadText) ?? 'Lambda.Unknown', payloadText);
    throw new StatesError(failure.error, failure.cause);
  }
  let parsed: unknown = null;
  if (payloadText.length > 0) {
    try {
      parsed = JSON.parse(payloadText) as unknown;
    } catch {
      parsed = payloadText;
    }
  }
  const requestId = response.$metadata?.requestId ?? '';
  const executedVersion = response.ExecutedVersion ?? '$LATEST';
  const statusCode = response.StatusCode ?? 200;
  const headers: Record<string, string> = {
    Connection: 'keep-alive',
    'Content-Length': String(Buffer.byteLength(payloadText, 'utf8')),
    'Content-Type': 'application/json',
    Date: new Date(nowMs).toUTCString(),
    'X-Amz-Executed-Version': executedVersion,
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
  };
  return {
    ExecutedVersion: executedVersion,
    Payload: parsed,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: response.$metadata?.httpStatusCode ?? statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
}

function readErrorType(payload: string): string | undefined {
  try {
    const parsed = JSON.parse(payload) as unknown;
    if (parsed !== null && typeof parsed === 'object') {
      const errorType = (parsed as Record<string, unknown>).errorType;
      if (typeof errorType === 'string') return errorType;
    }
  } catch {
    // Not JSON: no errorType.
  }
  return undefined;
}

function toLambdaServiceError(error: unknown): StatesError {
  const e = (error ?? {}) as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (e.$metadata !== undefined && typeof e.name === 'string') {
    const cause = `${message} (Service: Lambda, Status Code: ${e.$metadata.httpStatusCode ?? 'unknown'}, Request ID: ${e.$metadata.requestId ?? 'unknown'})`;
    const failure = limitFailure(`Lambda.${e.name}`, cause);
    return new StatesError(failure.error, failure.cause);
  }
  const failure = limitFailure('Lambda.SdkClientException', message);
  return new StatesError(failure.error, failure.cause);
}
