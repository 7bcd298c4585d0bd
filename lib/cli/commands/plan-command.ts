import { compileJob, type Concurrency } from '../../asl/index.js';
import type { CliIo } from '../cli-io.js';
import { loadJob } from '../load-job-module.js';
import { renderCoordination, renderHeldBackOps, renderPlan } from '../render/render-plan.js';
import { formatJsonDocument } from '../render/run-document.js';
import { createStyle, shouldUseColor } from '../render/style.js';

export interface PlanCommandOptions {
  /** @default - the module's only job */
  readonly job?: string;
  /** Print `{ format: 'stepops.plan/1', job, retryPlans, heldBackOps }` (compileJob's OpRetryPlan and HeldBackOp objects) as JSON. @default false */
  readonly json?: boolean;
  /** compileJob's concurrency; 'exact' adds the coordination (cross edges and their cost). @default 'structured' */
  readonly concurrency?: Concurrency;
}

/** `stepops plan <module>`: each op's retry plan, then the ops the structure may hold back. */
export async function runPlanCommand(modulePath: string, options: PlanCommandOptions, io: CliIo): Promise<number> {
  const job = await loadJob(modulePath, options.job, io.cwd);
  const { retryPlans, diagnostics } = compileJob(job, options.concurrency === undefined ? {} : { concurrency: options.concurrency });
  const coordination = diagnostics.coordination;
  if (options.json === true) {
    io.stdout.write(
      formatJsonDocument({ format: 'stepops.plan/1', job: job.name, retryPlans, heldBackOps: diagnostics.heldBackOps, ...(coordination === undefined ? {} : { coordination }) }),
    );
    return 0;
  }
  const style = createStyle(shouldUseColor(io.stdout, io.env));
  const concurrency = coordination === undefined ? renderHeldBackOps(diagnostics.heldBackOps, style) : renderCoordination(coordination, style);
  io.stdout.write([...renderPlan(job.name, retryPlans, style), ...concurrency].join('\n'));
  return 0;
}
