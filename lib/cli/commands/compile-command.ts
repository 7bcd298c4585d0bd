import { compileJob } from '../../asl/index.js';
import type { CliIo } from '../cli-io.js';
import { loadJob } from '../load-job-module.js';

/** `stepops compile <module>`: the state machine definition as JSON on stdout. */
export async function runCompileCommand(modulePath: string, options: { readonly job?: string }, io: CliIo): Promise<number> {
  const job = await loadJob(modulePath, options.job, io.cwd);
  const { definition } = compileJob(job);
  io.stdout.write(`${JSON.stringify(definition, null, 2)}\n`);
  return 0;
}
