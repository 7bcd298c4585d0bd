import { compileJob } from '../../asl/index.js';
import type { CliIo } from '../cli-io.js';
import { loadJob } from '../load-job-module.js';
import { renderHeldBackOps, renderPlan } from '../render/render-plan.js';
import { formatJsonDocument } from '../render/run-document.js';
import { createStyle, shouldUseColor } from '../render/style.js';

export interface PlanCommandOptions {
  /** @default - the module's only job */
  readonly job?: string;
  /** Print `{ format: 'stepops.plan/1', job, retryPlans, heldBackOps }` (compileJob's OpRetryPlan and HeldBackOp objects) as JSON. @default false */
  readonly json?: boolean;
}

/** `stepops plan <module>`: each op's retry plan, then the ops the structure may hold back. */
export async function runPlanCommand(modulePath: string, options: PlanCommandOptions, io: CliIo): Promise<number> {
  const job = await loadJob(modulePath, options.job, io.cwd);
  const { retryPlans, diagnostics } = compileJob(job);
  if (options.json === true) {
    io.stdout.write(formatJsonDocument({ format: 'stepops.plan/1', job: job.name, retryPlans, heldBackOps: diagnostics.heldBackOps }));
    return 0;
  }
  const style = createStyle(shouldUseColor(io.stdout, io.env));
  io.stdout.write([...renderPlan(job.name, retryPlans, style), ...renderHeldBackOps(diagnostics.heldBackOps, style)].join('\n'));
  return 0;
}
