import { registerJson } from '../evaluate/payload-limit.js';
import { parseJson, type TaskOutputReader } from '../history/read-recorded-run.js';

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

/** What every result's JSON starts with: its payload's JSON follows. */
const RESULT_JSON_START = '{"ExecutedVersion":"$LATEST","Payload":';

/**
 * The lambda:invoke result of an invocation whose wrapper returned `output` (undefined is
 * null, as the runtime sends it); its JSON is registered (registerJson), made from the
 * payload's JSON that Content-Length needs anyway. With `made`, the result's JSON is kept there
 * with its payload's length (readMadeLambdaResult).
 */
export function toLambdaResult(output: unknown, requestId: string, nowMs: number, made?: MadeLambdaResults): LocalLambdaResult {
  const payload = output === undefined ? null : output;
  const payloadJson = JSON.stringify(payload);
  const contentLength = String(Buffer.byteLength(payloadJson, 'utf8'));
  const date = formatHttpDate(nowMs);
  const headers: Record<string, string> = {
    Connection: 'keep-alive',
    'Content-Length': contentLength,
    'Content-Type': 'application/json',
    Date: date,
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
  };
  const allHeaders: Record<string, string[]> = {
    Connection: ['keep-alive'],
    'Content-Length': [contentLength],
    'Content-Type': ['application/json'],
    Date: [date],
    'X-Amz-Executed-Version': ['$LATEST'],
    'x-amzn-Remapped-Content-Length': ['0'],
    'x-amzn-RequestId': [requestId],
  };
  const metadata = { AllHttpHeaders: allHeaders, HttpHeaders: headers, HttpStatusCode: 200 as const };
  const responseMetadata = { RequestId: requestId };
  const result: LocalLambdaResult = { ExecutedVersion: '$LATEST', Payload: payload, SdkHttpMetadata: metadata, SdkResponseMetadata: responseMetadata, StatusCode: 200 };
  // The result's JSON, as JSON.stringify(result) writes it: only the payload, the date and the request id vary.
  const dateJson = JSON.stringify(date);
  const requestIdJson = JSON.stringify(requestId);
  const headerValues = (quote: (json: string) => string): string =>
    `"Connection":${quote('"keep-alive"')},"Content-Length":${quote(`"${contentLength}"`)},"Content-Type":${quote('"application/json"')},"Date":${quote(dateJson)},"X-Amz-Executed-Version":${quote('"$LATEST"')},"x-amzn-Remapped-Content-Length":${quote('"0"')},"x-amzn-RequestId":${quote(requestIdJson)}`;
  const json = flatten(
    `${RESULT_JSON_START}${payloadJson},"SdkHttpMetadata":{"AllHttpHeaders":{${headerValues(inList)}},"HttpHeaders":{${headerValues(asIs)}},"HttpStatusCode":200},"SdkResponseMetadata":{"RequestId":${requestIdJson}},"StatusCode":200}`,
  );
  registerJson(result, json);
  // `$states.result.Payload` (an op Task's Output) is the payload itself: its JSON is known too.
  if (typeof payload === 'object' && payload !== null) registerJson(payload, payloadJson);
  // Keyed by the request id's JSON, not the text: a Map key of ~1 KB would be flattened and hashed whole.
  made?.set(requestIdJson, { json, payloadLength: payloadJson.length });
  return result;
}

/**
 * `text` made one flat string at once. A string put together from pieces is a tree of ~70 small
 * strings in V8 until a character of it is read; the run's history keeps every result's text, and
 * each garbage collection would copy its tree, not one string (a micro-benchmark keeping 20,000
 * such texts: 7-15 us per text as trees, 2-3 us flattened at once).
 */
function flatten(text: string): string {
  text.charCodeAt(0);
  return text;
}

const inList = (json: string): string => `[${json}]`;
const asIs = (json: string): string => json;

/** The last Date header made: the attempts of a run on the virtual clock mostly share their millisecond. */
let lastDate = { ms: Number.NaN, text: '' };

/** The HTTP Date header of `nowMs` (Date.prototype.toUTCString). */
function formatHttpDate(nowMs: number): string {
  if (lastDate.ms !== nowMs) lastDate = { ms: nowMs, text: new Date(nowMs).toUTCString() };
  return lastDate.text;
}

/** What each result JSON ends with, after its request id's JSON. */
const RESULT_JSON_END = '},"StatusCode":200}';
/** What comes before the request id's JSON at the end of each result JSON. */
const REQUEST_ID_START = '"SdkResponseMetadata":{"RequestId":';

/**
 * The result JSONs toLambdaResult made for one run (the run's TaskSucceeded outputs) with the
 * length of their payload's JSON, by the JSON of their request id.
 */
export type MadeLambdaResults = Map<string, { readonly json: string; readonly payloadLength: number }>;

/**
 * A TaskSucceeded output reader for a run whose results toLambdaResult made (`made`): a text it
 * made is read from its payload's JSON alone (what reading the run back needs: the Payload,
 * without parsing the headers around it); any other text is parsed whole.
 */
export function readMadeLambdaResult(made: MadeLambdaResults): TaskOutputReader {
  return (output) => {
    // The request id's JSON at the end of a text this run made; for any other text a key that finds nothing, or a text that is not it.
    const end = output.length - RESULT_JSON_END.length;
    const entry = made.get(output.slice(output.lastIndexOf(REQUEST_ID_START, end) + REQUEST_ID_START.length, end));
    if (entry?.json !== output) return parseJson(output);
    return { Payload: JSON.parse(output.slice(RESULT_JSON_START.length, RESULT_JSON_START.length + entry.payloadLength)) as unknown };
  };
}
