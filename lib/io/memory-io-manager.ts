import { IoObjectExistsError, IoObjectMissingError } from './io-errors.js';
import { buildOutputKey, type IoManager, type OpOutputKey } from './io-manager.js';

/**
 * Keeps op outputs in this process (a Map): the default of runJobLocally, so a local run
 * takes the same reference path as S3 on AWS without any store. `objects` is exposed for tests
 * and inspection (key -> JSON text).
 */
export class InMemoryIoManager implements IoManager {
  readonly objects = new Map<string, string>();

  async writeOutput(key: OpOutputKey, json: string): Promise<string> {
    const objectKey = buildOutputKey('', key);
    const location = `memory://${objectKey}`;
    if (this.objects.has(objectKey)) throw new IoObjectExistsError(key.op, location);
    this.objects.set(objectKey, json);
    return location;
  }

  async readOutput(key: OpOutputKey): Promise<string> {
    const objectKey = buildOutputKey('', key);
    const json = this.objects.get(objectKey);
    if (json === undefined) throw new IoObjectMissingError(key.op, `memory://${objectKey}`);
    return json;
  }
}
