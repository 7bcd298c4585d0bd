import { compileJob } from '../../asl/index.js';
import type { CliIo } from '../cli-io.js';
import { loadJob } from '../load-job-module.js';
import { renderPlan } from '../render-plan.js';
import { createStyle, shouldUseColor } from '../style.js';

/** `stepops plan <module>`: each op's retry plan. */
export async function runPlanCommand(modulePath: string, options: { readonly job?: string }, io: CliIo): Promise<number> {
  const job = await loadJob(modulePath, options.job, io.cwd);
  const { retryPlans } = compileJob(job);
  io.stdout.write(`${renderPlan(job.name, retryPlans, createStyle(shouldUseColor(io.stdout, io.env))).join('\n')}`);
  return 0;
}
