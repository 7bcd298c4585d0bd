/** The bare machine of the runner job (same structure and retriers) and stub handlers, for aws-local-stepfunctions. */
import { buildBlockMachine } from './block-machine.js';
import { describeRunnerOp } from './runner-job.js';
import { compileRetryPolicy, decomposeGraph, RETRY_ERROR, retryAttemptErrorName, type OpGraph } from './stepops.js';

/** One Task per op with its compiled Retry array, a Parallel per parallel block, nothing else. */
export function buildBareMachine(graph: OpGraph, language: 'JSONPath' | 'JSONata'): object {
  const block = decomposeGraph(
    graph,
    graph.names.map(() => 1),
  );
  return buildBlockMachine(graph, block, (k) => compileRetryPolicy(describeRunnerOp(k).policy).retriers, language);
}

/** Stub handlers by state name: fail the op's scripted attempts with the wrapper's retry names. */
export function createStubHandlers(graph: OpGraph, tally: { calls: number }): Record<string, () => Promise<unknown>> {
  return Object.fromEntries(
    graph.names.map((name, k) => {
      const { policy, failures = 0 } = describeRunnerOp(k);
      const mode = policy === undefined ? 'plain' : compileRetryPolicy(policy).retryMode;
      let calls = 0;
      return [
        name,
        async () => {
          calls += 1;
          tally.calls += 1;
          if (calls <= failures) throw Object.assign(new Error(`${name} fails on purpose`), { name: mode === 'indexed' ? retryAttemptErrorName(calls) : RETRY_ERROR });
          return { op: name };
        },
      ];
    }),
  );
}
