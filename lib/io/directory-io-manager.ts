import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { IoObjectExistsError, IoObjectMissingError } from './io-errors.js';
import { buildOutputKey, type IoManager, type OpOutputKey, type OutputReference } from './io-manager.js';

/**
 * Keeps op outputs as files below a directory (`<directory>/<runId>/<op>/<retryNumber>.json`),
 * for local runs whose values should outlive the process or be looked at. Files are created
 * exclusively (flag 'wx'): an existing one is never overwritten.
 */
export class DirectoryIoManager implements IoManager {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = resolve(directory);
  }

  async writeOutput(key: OpOutputKey, json: string): Promise<OutputReference> {
    const path = join(this.directory, buildOutputKey('', key));
    const uri = pathToFileURL(path).href;
    await mkdir(dirname(path), { recursive: true });
    try {
      await writeFile(path, json, { encoding: 'utf8', flag: 'wx' });
    } catch (error) {
      if (hasCode(error, 'EEXIST')) throw new IoObjectExistsError(key.op, uri, { cause: error });
      throw error;
    }
    return { uri, op: key.op, bytes: Buffer.byteLength(json, 'utf8') };
  }

  async readOutput(reference: OutputReference): Promise<string> {
    const path = reference.uri.startsWith('file:') ? fileURLToPath(reference.uri) : undefined;
    // Only files below this directory: a reference is data, and must not reach elsewhere.
    if (path === undefined || !path.startsWith(this.directory + sep)) throw new IoObjectMissingError(reference.op, reference.uri);
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if (hasCode(error, 'ENOENT')) throw new IoObjectMissingError(reference.op, reference.uri, { cause: error });
      throw error;
    }
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
