import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RecordedRun } from '../job/index.js';
import { CliError } from './cli-error.js';
import { RUN_DOCUMENT_FORMAT, type RunDocument } from './render/run-document.js';

/**
 * The earlier run `--from-failure <file>` names: a `stepops run --json` (or `watch --json`)
 * document, read as a RecordedRun. Fails with a CliError for a file that is missing, is not
 * such a document, or is of another job.
 */
export function readRunDocumentFile(path: string, cwd: string, jobName: string): RecordedRun {
  const absolute = resolve(cwd, path);
  let document: Partial<RunDocument>;
  try {
    document = JSON.parse(readFileSync(absolute, 'utf8')) as Partial<RunDocument>;
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT';
    throw new CliError(
      missing ? `--from-failure file ${path} not found (${absolute})` : `--from-failure file ${path} is not JSON (${(error as Error).message})`,
      'pass the file `stepops run <module> --json > run.json` wrote',
    );
  }
  if (typeof document !== 'object' || document?.format !== RUN_DOCUMENT_FORMAT || !Array.isArray(document.ops)) {
    throw new CliError(`--from-failure file ${path} is not a stepops run document (format ${RUN_DOCUMENT_FORMAT})`, 'pass the file `stepops run <module> --json > run.json` wrote');
  }
  if (document.job !== undefined && document.job !== jobName) {
    throw new CliError(`--from-failure file ${path} records a run of job "${document.job}", not "${jobName}"`, 'pass a run of this job, or pick the job with --job');
  }
  return {
    runId: document.executionArn ?? document.executionName ?? path,
    status: document.status ?? 'FAILED',
    input: document.input ?? {},
    ops: (document.ops as RunDocument['ops']).map((op) => ({ name: op.name, outcome: op.outcome, ...(op.recorded === undefined ? {} : { recorded: op.recorded }) })),
  };
}
