/**
 * One cold aws-local-stepfunctions process for the cold-run figure: builds the bare JSONPath
 * machine of the 1,000-op runner job (same structure and Retry arrays), runs it with stub
 * handlers failing the same attempts, zero retry waits, and exits.
 * `npx tsx bench/cold-baseline.ts [size]`.
 */
import { runWithAwsLocalStepFunctions } from '../test/support/aws-local-stepfunctions.js';
import { buildBareMachine, createStubHandlers } from './runner-baseline.js';
import { buildRunnerGraph } from './runner-job.js';

const size = Number(process.argv[2] ?? 1000);
const graph = buildRunnerGraph(size);
const status = await runWithAwsLocalStepFunctions(buildBareMachine(graph, 'JSONPath'), createStubHandlers(graph, { calls: 0 }));
if (status !== 'SUCCEEDED') process.exit(1);
