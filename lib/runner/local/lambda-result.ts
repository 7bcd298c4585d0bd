import { registerJson } from '../evaluate/payload-limit.js';

/** The Lambda integration's result around an op output: what `$states.result` sees. */
export interface LocalLambdaResult {
  readonly ExecutedVersion: '$LATEST';
  readonly Payload: unknown;
  readonly SdkHttpMetadata: {
    readonly AllHttpHeaders: Readonly<Record<string, readonly string[]>>;
    readonly HttpHeaders: Readonly<Record<string, string>>;
    readonly HttpStatusCode: 200;
  };
  readonly SdkResponseMetadata: { readonly RequestId: string };
  readonly StatusCode: 200;
}

/**
 * The lambda:invoke result of an invocation whose wrapper returned `output` (undefined is
 * null, as the runtime sends it); its JSON is registered (registerJson), made from the
 * payload's JSON that Content-Length needs anyway.
 */
export function toLambdaResult(output: unknown, requestId: string, nowMs: number): LocalLambdaResult {
  const payload = output === undefined ? null : output;
  const payloadJson = JSON.stringify(payload);
  const headers: Record<string, string> = {
    Connection: 'keep-alive',
    'Content-Length': String(Buffer.byteLength(payloadJson, 'utf8')),
    'Content-Type': 'application/json',
    Date: new Date(nowMs).toUTCString(),
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
  };
  const allHeaders: Record<string, string[]> = {};
  for (const key of Object.keys(headers)) allHeaders[key] = [headers[key]!];
  const metadata = { AllHttpHeaders: allHeaders, HttpHeaders: headers, HttpStatusCode: 200 as const };
  const responseMetadata = { RequestId: requestId };
  const result: LocalLambdaResult = { ExecutedVersion: '$LATEST', Payload: payload, SdkHttpMetadata: metadata, SdkResponseMetadata: responseMetadata, StatusCode: 200 };
  // The result's JSON, as JSON.stringify(result) writes it, from the payload's JSON already made for Content-Length.
  registerJson(
    result,
    `{"ExecutedVersion":"$LATEST","Payload":${payloadJson},"SdkHttpMetadata":${JSON.stringify(metadata)},"SdkResponseMetadata":${JSON.stringify(responseMetadata)},"StatusCode":200}`,
  );
  return result;
}
