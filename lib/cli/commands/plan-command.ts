import { compileJob } from '../../asl/index.js';
import type { CliIo } from '../cli-io.js';
import { loadJob } from '../load-job-module.js';
import { renderPlan } from '../render-plan.js';
import { formatJsonDocument } from '../run-document.js';
import { createStyle, shouldUseColor } from '../style.js';

export interface PlanCommandOptions {
  /** @default - the module's only job */
  readonly job?: string;
  /** Print `{ format: 'stepops.plan/1', job, retryPlans }` (compileJob's OpRetryPlan objects) as JSON. @default false */
  readonly json?: boolean;
}

/** `stepops plan <module>`: each op's retry plan. */
export async function runPlanCommand(modulePath: string, options: PlanCommandOptions, io: CliIo): Promise<number> {
  const job = await loadJob(modulePath, options.job, io.cwd);
  const { retryPlans } = compileJob(job);
  if (options.json === true) {
    io.stdout.write(formatJsonDocument({ format: 'stepops.plan/1', job: job.name, retryPlans }));
    return 0;
  }
  io.stdout.write(`${renderPlan(job.name, retryPlans, createStyle(shouldUseColor(io.stdout, io.env))).join('\n')}`);
  return 0;
}
