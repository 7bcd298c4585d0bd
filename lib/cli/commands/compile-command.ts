import { compileJob, FUNCTION_ARN_PLACEHOLDER, type Concurrency } from '../../asl/index.js';
import type { CliIo } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { loadJob } from '../load-job-module.js';
import { formatJsonDocument } from '../render/run-document.js';

export interface CompileCommandOptions {
  /** @default - the module's only job */
  readonly job?: string;
  /**
   * The deployed wrapper function's ARN, written where the definition says
   * `${StepopsFunctionArn}` (what JobStateMachine's definitionSubstitutions do).
   * @default - the placeholder is left in
   */
  readonly functionArn?: string;
  /**
   * Print `{ format: 'stepops.compile/1', job, definition, childDefinitions, retryPlans,
   * diagnostics }` instead of the definition alone.
   * @default false
   */
  readonly json?: boolean;
  /** compileJob's concurrency. @default 'structured' */
  readonly concurrency?: Concurrency;
}

/** `arn:<partition>:lambda:<region>:<account>:function:<name>[:<version or alias>]`. */
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/;

/** `stepops compile <module>`: the state machine definition as JSON on stdout. */
export async function runCompileCommand(modulePath: string, options: CompileCommandOptions, io: CliIo): Promise<number> {
  if (options.functionArn !== undefined && !FUNCTION_ARN.test(options.functionArn)) {
    throw new CliError(
      `--function-arn ${JSON.stringify(options.functionArn)} is not a Lambda function ARN`,
      'pass arn:aws:lambda:<region>:<account>:function:<name> of the function that exports jobHandler(job)',
    );
  }
  const job = await loadJob(modulePath, options.job, io.cwd);
  const compiled = compileJob(job, options.concurrency === undefined ? {} : { concurrency: options.concurrency });
  const document =
    options.json === true
      ? {
          format: 'stepops.compile/1',
          job: job.name,
          definition: compiled.definition,
          childDefinitions: compiled.childDefinitions,
          retryPlans: compiled.retryPlans,
          diagnostics: compiled.diagnostics,
        }
      : compiled.definition;
  const text = formatJsonDocument(document);
  // The placeholder stands alone in a JSON string and the ARN has nothing to escape.
  io.stdout.write(options.functionArn === undefined ? text : text.replaceAll('${' + FUNCTION_ARN_PLACEHOLDER + '}', options.functionArn));
  return 0;
}
