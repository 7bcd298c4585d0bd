import type { CliIo } from '../cli-io.js';
import { loadJob } from '../load-job-module.js';
import { renderMermaid } from '../render/render-mermaid.js';

/** `stepops graph <module>`: the job graph with its policies as Mermaid text. */
export async function runGraphCommand(modulePath: string, options: { readonly job?: string }, io: CliIo): Promise<number> {
  const job = await loadJob(modulePath, options.job, io.cwd);
  io.stdout.write(`${renderMermaid(job).join('\n')}\n`);
  return 0;
}
