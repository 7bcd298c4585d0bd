import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IoObjectExistsError, IoObjectMissingError } from './io-errors.js';
import { buildOutputKey, type IoManager, type OpOutputKey } from './io-manager.js';

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

  async writeOutput(key: OpOutputKey, json: string): Promise<string> {
    const path = join(this.directory, buildOutputKey('', key));
    const location = pathToFileURL(path).href;
    await mkdir(dirname(path), { recursive: true });
    try {
      await writeFile(path, json, { encoding: 'utf8', flag: 'wx' });
    } catch (error) {
      if (hasCode(error, 'EEXIST')) throw new IoObjectExistsError(key.op, location, { cause: error });
      throw error;
    }
    return location;
  }

  async readOutput(key: OpOutputKey): Promise<string> {
    const path = join(this.directory, buildOutputKey('', key));
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if (hasCode(error, 'ENOENT')) throw new IoObjectMissingError(key.op, pathToFileURL(path).href, { cause: error });
      throw error;
    }
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
