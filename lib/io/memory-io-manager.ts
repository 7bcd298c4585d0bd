import { IoObjectExistsError, IoObjectMissingError } from './io-errors.js';
import { buildOutputKey, type IoManager, type OpOutputKey, type OutputReference } from './io-manager.js';

const SCHEME = 'memory://';

/**
 * Keeps op outputs in this process (a Map): the default of runJobLocally, so a local run
 * takes the same reference path as S3 on AWS without any store. `objects` is exposed for tests
 * and inspection (key -> JSON text).
 */
export class InMemoryIoManager implements IoManager {
  readonly objects = new Map<string, string>();

  async writeOutput(key: OpOutputKey, json: string): Promise<OutputReference> {
    const objectKey = buildOutputKey('', key);
    const uri = SCHEME + objectKey;
    if (this.objects.has(objectKey)) throw new IoObjectExistsError(key.op, uri);
    this.objects.set(objectKey, json);
    return { uri, op: key.op, bytes: Buffer.byteLength(json, 'utf8') };
  }

  async readOutput(reference: OutputReference): Promise<string> {
    const json = reference.uri.startsWith(SCHEME) ? this.objects.get(reference.uri.slice(SCHEME.length)) : undefined;
    if (json === undefined) throw new IoObjectMissingError(reference.op, reference.uri);
    return json;
  }
}
