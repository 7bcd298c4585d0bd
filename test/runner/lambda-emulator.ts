/**
 * Test helper: a Lambda client (LambdaClientLike, for runStateMachine's `lambda` option) that
 * behaves like the Node.js runtime around a stepops handler, and injects faults.
 *
 * - Success: the handler's result as the runtime sends it, `JSON.stringify` bytes.
 * - A thrown error: `FunctionError: 'Unhandled'` and the runtime's error payload
 *   (formatRuntimeError: errorType, errorMessage, trace), which the lambda:invoke integration
 *   turns into Error = errorType, Cause = the payload.
 * - Platform faults (the op never runs): the SDK rejects with the service exception
 *   (TooManyRequestsException 429, ServiceException 500); the integration names them `Lambda.<name>`.
 * - Dead invocations (the op ran and died): the payloads Lambda reports for them, see
 *   docs/lambda-errors.md (their exact wording is an assumption).
 */
import type { InvokeCommand, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { LambdaHandler } from '../../lib/handler/index.js';
import { formatRuntimeError } from '../../lib/handler/task-failure.js';
import { readPayloadRetryNumber, type OpPayload } from '../../lib/job/wire-protocol.js';
import type { LambdaClientLike } from '../../lib/runner/index.js';

export type PlatformFault = 'throttle' | 'service-exception';
export type DeadInvocation = 'exit' | 'out-of-memory' | 'unhandled-rejection' | 'sandbox-timeout';
export type InvocationFault = PlatformFault | DeadInvocation;

/** The Step Functions Error each fault becomes. */
export const FAULT_ERROR_NAMES: Readonly<Record<InvocationFault, string>> = {
  throttle: 'Lambda.TooManyRequestsException',
  'service-exception': 'Lambda.ServiceException',
  exit: 'Runtime.ExitError',
  'out-of-memory': 'Runtime.OutOfMemory',
  'unhandled-rejection': 'Runtime.UnhandledPromiseRejection',
  'sandbox-timeout': 'Sandbox.Timedout',
};

export interface EmulatedInvocation {
  readonly op: string;
  readonly retryNumber: number;
  readonly fault?: InvocationFault;
  /** The payload carried a caught fault of this very attempt (lib/asl/compile-faults.ts): the wrapper decides, the op does not run. */
  readonly deciding?: boolean;
}

class ServiceError extends Error {
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId: string };
  constructor(name: string, message: string, httpStatusCode: number, requestId: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode, requestId };
  }
}

const encoder = new TextEncoder();

function deadPayload(fault: DeadInvocation, requestId: string): unknown {
  switch (fault) {
    case 'exit':
      return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status 1` };
    case 'out-of-memory':
      return { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` };
    case 'unhandled-rejection':
      return {
        errorType: 'Runtime.UnhandledPromiseRejection',
        errorMessage: 'Error: rejected after the op returned',
        reason: 'Error: rejected after the op returned',
        promise: {},
        stack: ['Runtime.UnhandledPromiseRejection: Error: rejected after the op returned'],
      };
    case 'sandbox-timeout':
      return { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after 900.00 seconds` };
  }
}

/**
 * A Lambda client around `handler`. `decide(payload, index)` picks a fault for invocation
 * `index` (0-based, all ops), or undefined to run the handler. Every invocation is recorded.
 */
export function createLambdaEmulator(
  handler: LambdaHandler,
  decide: (payload: OpPayload, index: number) => InvocationFault | undefined = () => undefined,
): { readonly client: LambdaClientLike; readonly invocations: EmulatedInvocation[] } {
  const invocations: EmulatedInvocation[] = [];
  const client: LambdaClientLike = {
    async send(command: InvokeCommand): Promise<InvokeCommandOutput> {
      const index = invocations.length;
      const requestId = `emulated-${String(index).padStart(6, '0')}`;
      const text = typeof command.input.Payload === 'string' ? command.input.Payload : new TextDecoder().decode(command.input.Payload as Uint8Array);
      const payload = JSON.parse(text) as OpPayload;
      const fault = decide(payload, index);
      const retryNumber = readPayloadRetryNumber(payload);
      const deciding = payload.fault?.r === retryNumber;
      invocations.push({ op: payload.state.Name, retryNumber, ...(fault === undefined ? {} : { fault }), ...(deciding ? { deciding } : {}) });
      const metadata = { httpStatusCode: 200, requestId };
      if (fault === 'throttle') throw new ServiceError('TooManyRequestsException', 'Rate Exceeded.', 429, requestId);
      if (fault === 'service-exception') throw new ServiceError('ServiceException', 'Lambda encountered an internal error.', 500, requestId);
      if (fault !== undefined) {
        return {
          StatusCode: 200,
          FunctionError: 'Unhandled',
          ExecutedVersion: '$LATEST',
          Payload: encoder.encode(JSON.stringify(deadPayload(fault, requestId))) as never,
          $metadata: metadata,
        };
      }
      try {
        const result = await handler(payload, { awsRequestId: requestId, getRemainingTimeInMillis: () => 900_000 });
        return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: encoder.encode(JSON.stringify(result === undefined ? null : result)) as never, $metadata: metadata };
      } catch (error) {
        return {
          StatusCode: 200,
          FunctionError: 'Unhandled',
          ExecutedVersion: '$LATEST',
          Payload: encoder.encode(JSON.stringify(formatRuntimeError(error))) as never,
          $metadata: metadata,
        };
      }
    },
  };
  return { client, invocations };
}
