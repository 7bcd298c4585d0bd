import type { AslRetrier, OpBlock, OpGraph } from './stepops.js';

const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:op';

/**
 * A bare state machine for a structure: one Task per op (named after it, calling LAMBDA_ARN,
 * with `retriersOf(op)` as its Retry), a Parallel per parallel block, nothing else. The same
 * states in JSONPath (aws-local-stepfunctions) or JSONata (our runner); handlers are stubbed.
 */
export function buildBlockMachine(graph: OpGraph, block: OpBlock, retriersOf: (k: number) => readonly AslRetrier[], language: 'JSONPath' | 'JSONata'): object {
  let parallels = 0;
  /** The states of `node`, which go to `next` (or end), and the first state's name. */
  const render = (node: OpBlock, next: string | undefined): { readonly startAt: string; readonly states: Record<string, object> } => {
    const end = next === undefined ? { End: true } : { Next: next };
    if (node.kind === 'op') {
      const name = graph.names[node.op]!;
      const retry = retriersOf(node.op);
      return { startAt: name, states: { [name]: { Type: 'Task', Resource: LAMBDA_ARN, ...(retry.length === 0 ? {} : { Retry: structuredClone(retry) }), ...end } } };
    }
    if (node.kind === 'parallel') {
      parallels += 1;
      const name = `Parallel ${parallels}`;
      const branches = node.branches.map((branch) => {
        const rendered = render(branch, undefined);
        return { StartAt: rendered.startAt, States: rendered.states };
      });
      return { startAt: name, states: { [name]: { Type: 'Parallel', Branches: branches, ...end } } };
    }
    let states: Record<string, object> = {};
    let following = next;
    for (let i = node.items.length - 1; i >= 0; i -= 1) {
      const rendered = render(node.items[i]!, following);
      states = { ...rendered.states, ...states };
      following = rendered.startAt;
    }
    return { startAt: following!, states };
  };
  const top = render(block, undefined);
  return { ...(language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}), StartAt: top.startAt, States: top.states };
}
