/** What the benchmarks use from stepops, through its public entry points only. */
export {
  Backoff,
  Jitter,
  RetryPolicy,
  RetryRequested,
  createSeededRandom,
  compileJob,
  isDefinitionError,
  compileRetryPolicy,
  job,
  op,
  runJobLocally,
  RETRY_ERROR,
  retryAttemptErrorName,
  type JobDefinition,
  type OutputHandle,
  type RetryFidelity,
} from '../lib/index.js';
export {
  buildOpGraphFromEdges,
  computeCriticalPath,
  decomposeGraph,
  evaluateMakespan,
  respectsDependencies,
  MAX_DEFINITION_CHARACTERS,
  type AslDefinition,
  type AslRetrier,
  type OpBlock,
  type OpGraph,
} from '../lib/asl/index.js';
export { runStateMachine, summarizeTaskAttempts, type TaskHandler } from '../lib/runner/index.js';
export { isOpAttemptError, opHandler } from '../lib/handler/index.js';
// Not public: a run's history and its child executions' (the runner's own walk), for counting their events.
export { collectHistories } from '../lib/runner/history/read-recorded-run.js';
// Not public: lets the warm figures also be measured with each run parsing its own expressions.
export { clearExpressionCaches } from '../lib/runner/evaluate/evaluate.js';
