import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliOutput } from '../cli-io.js';
import { CliError, FAILURE_EXIT_CODE } from '../cli-error.js';
import { renderHtmlReport, type ReportInput } from './render-report.js';

/** Writes the HTML report of `--report <file>` (relative to `cwd`) and says where on `progress`. */
export function writeReportFile(file: string, cwd: string, input: ReportInput, progress: CliOutput): void {
  const path = resolve(cwd, file);
  try {
    writeFileSync(path, renderHtmlReport(input), 'utf8');
  } catch (error) {
    throw new CliError(`cannot write --report ${file} (${(error as Error).message})`, 'pass a path in a folder you can write to', FAILURE_EXIT_CODE);
  }
  progress.write(`report written to ${file}\n`);
}
