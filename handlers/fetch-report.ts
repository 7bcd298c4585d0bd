import type { OpContext } from '../lib/index.js';

/** The error a flaky upstream report service throws. */
export class ReportUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportUnavailableError';
  }
}

export interface Report {
  readonly op: string;
  readonly rows: number;
  readonly attempt: number;
}

/**
 * Stands in for a flaky network call, deterministically: it fails while the op's retry number
 * is below `config.failuresBeforeSuccess` (from the run input `{ ops: { <op>: { config } } }`),
 * or below `defaultFailures` when the run gives none.
 */
export async function fetchReport(context: OpContext, defaultFailures: number): Promise<Report> {
  const configured = (context.config as { failuresBeforeSuccess?: unknown } | undefined)?.failuresBeforeSuccess;
  const failures = typeof configured === 'number' ? configured : defaultFailures;
  if (context.retryNumber < failures) {
    throw new ReportUnavailableError(`report service unavailable (attempt ${context.retryNumber + 1} of ${context.opName})`);
  }
  return { op: context.opName, rows: 42, attempt: context.retryNumber + 1 };
}
