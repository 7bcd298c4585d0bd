export { compileJob } from './compile-job.js';
export { describeCoordinationCost, MAX_HISTORY_EVENTS } from './coordination-cost.js';
export type { CoordinationCost } from './coordination-cost.js';
export type { CompileJobOptions, CompiledJob, CompileDiagnostics, ChildDefinition, Concurrency, CoordinationDiagnostics } from './compile-job.js';
export type { HeldBackOp } from './held-back-ops.js';
export { describeHeldBackOp, describeHeldBackOps } from './held-back-ops.js';
export { buildChildPlaceholder } from './state-names.js';
export { compileRetryPolicy, compileOpRetries, buildPlatformRetrier, findStrictViolations } from './compile-retriers.js';
export type { CompileRetryPolicyOptions, CompiledRetryPolicy, CompiledOpRetries, RetryFidelity } from './compile-retriers.js';
export { compileFaultHandling } from './compile-faults.js';
export type { FaultRetryPlan } from './compile-faults.js';
export { STRICT_ACCEPTED_DEVIATIONS } from './retry-plan.js';
export type { OpRetryPlan, PolicyRetryPlan, RetryWait, RetryDeviation, RetryDeviationKind, RetryMechanism, SecondsRange } from './retry-plan.js';
export { checkDefinition } from './check-definition.js';
export type { DefinitionProblem } from './check-definition.js';
export { decomposeGraph } from './decompose-graph.js';
export { evaluateMakespan, computeCriticalPath, respectsDependencies } from './evaluate-makespan.js';
export type { OpDurations } from './evaluate-makespan.js';
export { buildOpGraph, buildOpGraphFromEdges } from './job-graph.js';
export type { OpGraph } from './job-graph.js';
export type { OpBlock } from './op-blocks.js';
export { ceilSeconds } from '../policy/whole-seconds.js';
export {
  FUNCTION_ARN_PLACEHOLDER,
  LAMBDA_INVOKE_RESOURCE,
  LAMBDA_INVOKE_CALLBACK_RESOURCE,
  START_EXECUTION_RESOURCE,
  START_EXECUTION_SYNC_RESOURCE,
  START_EXECUTION_SYNC2_RESOURCE,
  STEP_FUNCTIONS_SERVICE_ERRORS,
  LAMBDA_PLATFORM_ERRORS,
  INFRASTRUCTURE_ERRORS,
  MAX_DEFINITION_CHARACTERS,
  DEFAULT_FUNCTION_TIMEOUT_SECONDS,
  MAX_FUNCTION_TIMEOUT_SECONDS,
} from './asl-constants.js';
export type {
  JsonValue,
  JsonObject,
  JitterStrategy,
  AslRetrier,
  AslCatcher,
  AslTaskState,
  AslParallelState,
  AslPassState,
  AslWaitState,
  AslChoiceRule,
  AslChoiceState,
  AslSucceedState,
  AslFailState,
  AslState,
  AslBranch,
  AslDefinition,
} from './asl-types.js';
