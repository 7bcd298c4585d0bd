/**
 * stepops/cdk: deploy a stepops job as a Step Functions state machine and its Lambda function.
 * The only part of stepops that imports aws-cdk-lib and constructs.
 */
export { JobStateMachine, DEFAULT_LOG_RETENTION } from './job-state-machine.js';
export type { JobStateMachineProps, JobFunctionProps, JobLogProps, JobScheduleProps } from './job-state-machine-props.js';
export type { RetryFidelity } from '../asl/index.js';
export { DEFAULT_JOB_FUNCTION_RUNTIME, DEFAULT_JOB_FUNCTION_TIMEOUT } from './function-from-entry.js';
export { DEFAULT_IO_EXPIRATION } from './io-bucket.js';
export { compileRetryProps } from './retry-props.js';
export type { CompileRetryPropsOptions, CompiledRetryProps } from './retry-props.js';
export { EXPRESS_MAX_DURATION_SECONDS, findWorstCaseRetryPath } from './express-limit.js';
export type { WorstCaseRetryPath } from './express-limit.js';
export { checkScheduleExpression } from './schedule.js';
