import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { isDefinitionError } from '../errors.js';
import { isJobDefinition, type JobDefinition } from '../job/index.js';
import { CliError, FAILURE_EXIT_CODE } from './cli-error.js';

/** A job a module exports, with the name it is exported under. */
export interface ExportedJob {
  readonly exportName: string;
  readonly job: JobDefinition;
}

/**
 * Imports a TypeScript (or JavaScript) job module through tsx, resolved against `cwd`, and
 * returns the jobs it exports, each once, in export order.
 */
export async function loadJobModule(modulePath: string, cwd: string): Promise<ExportedJob[]> {
  const absolutePath = resolve(cwd, modulePath);
  if (!existsSync(absolutePath) || !statSync(absolutePath).isFile()) {
    throw new CliError(`cannot find module ${modulePath} (looked for ${absolutePath})`, 'pass the path of a TypeScript file that exports a job, relative to the current directory');
  }
  let exports: Record<string, unknown>;
  try {
    exports = (await tsImport(pathToFileURL(absolutePath).href, pathToFileURL(`${cwd}/`).href)) as Record<string, unknown>;
  } catch (error) {
    const syntaxError = readSyntaxError(error, cwd);
    if (syntaxError !== undefined) throw new CliError(`${syntaxError}`, 'fix the syntax there (tsc --noEmit shows every error)');
    const definitionError = isDefinitionError(error);
    const described = error as { name?: unknown; message?: unknown } | null;
    const reason = error instanceof Error ? (definitionError ? String(described?.message) : `${String(described?.name)}: ${String(described?.message)}`) : String(error);
    throw new CliError(
      `${modulePath} failed to load: ${reason.split('\n')[0]}`,
      definitionError ? 'fix the job or op definition it names' : `fix the module (run it with \`npx tsx ${relative(cwd, absolutePath)}\` to see the stack)`,
      definitionError ? undefined : FAILURE_EXIT_CODE,
    );
  }
  const found: ExportedJob[] = [];
  for (const [exportName, value] of Object.entries(exports)) {
    if (exportName === 'default' && found.some((entry) => entry.job === value)) continue;
    if (isJobDefinition(value) && !found.some((entry) => entry.job === value)) found.push({ exportName, job: value });
  }
  // `export default job` after the named export keeps the named one; a default-only job is kept.
  return found;
}

/**
 * The first error of esbuild's TransformError (tsx compiles modules with esbuild), whose
 * message is `Transform failed with N error(s):` then `<file>:<line>:<column>: ERROR: <reason>`
 * lines: `path/to/job.ts:2:41: syntax error: Expected ")" but found ";"`, the path relative to
 * `cwd`. Undefined for any other error.
 */
function readSyntaxError(error: unknown, cwd: string): string | undefined {
  if (!(error instanceof Error) || error.name !== 'TransformError') return undefined;
  const match = /^(.+):(\d+):(\d+): ERROR: (.+)$/m.exec(error.message);
  if (match === null) return `syntax error: ${error.message.split('\n').slice(1).join(' ').trim() || error.message}`;
  const [, file, line, column, reason] = match;
  const more = (error.message.match(/: ERROR: /g)?.length ?? 1) - 1;
  return `${relative(cwd, file!)}:${line}:${column}: syntax error: ${reason}${more > 0 ? ` (and ${more} more)` : ''}`;
}

/**
 * The job to run: the only one, or the one `--job` names (by job name or export name).
 * Throws a CliError listing the names when the choice is missing or unknown.
 */
export function selectJob(jobs: readonly ExportedJob[], jobName: string | undefined, modulePath: string): JobDefinition {
  const names = jobs.map((entry) => entry.job.name).join(', ');
  if (jobs.length === 0) {
    throw new CliError(`${modulePath} exports no job`, "export one, e.g. export const myJob = job({ name: 'my_job' }, () => { myOp(); })");
  }
  if (jobName === undefined) {
    if (jobs.length === 1) return jobs[0]!.job;
    throw new CliError(`${modulePath} exports several jobs (${names})`, 'pick one with --job <name>');
  }
  const match = jobs.find((entry) => entry.job.name === jobName) ?? jobs.find((entry) => entry.exportName === jobName);
  if (match === undefined) {
    throw new CliError(`${modulePath} has no job named "${jobName}" (it exports: ${names})`, 'pass one of these names to --job');
  }
  return match.job;
}

/** loadJobModule then selectJob. */
export async function loadJob(modulePath: string, jobName: string | undefined, cwd: string): Promise<JobDefinition> {
  return selectJob(await loadJobModule(modulePath, cwd), jobName, modulePath);
}
