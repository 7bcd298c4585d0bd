/**
 * The compile-scale baseline: the same job structure built by hand with aws-cdk-lib's own
 * state classes in JSONata mode (LambdaInvoke.jsonata per op, with the op's Retry blocks,
 * Parallel.jsonata, Chain) inside a Stack, and rendered to ASL with StateGraph.toGraphJson().
 */
import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Chain, JitterType, Parallel, StateGraph, TaskInput, type IChainable, type INextable } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Duration } from 'aws-cdk-lib';
import type { AslRetrier, OpBlock, OpGraph } from './stepops.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:stepops-wrapper';

type Chainable = IChainable & INextable;

/**
 * Renders `block` (ops of `graph`) as CDK states. Each op: a LambdaInvoke of one function
 * with a Payload naming the op, its retry count and its inputs (JSONata variables), assigning
 * its result to a variable; `retriersOf(k)` are added with addRetry (LambdaInvoke adds its own
 * Lambda service-error retrier, as stepops does). Returns the definition's compact JSON.
 */
export function renderWithCdk(graph: OpGraph, block: OpBlock, retriersOf: (k: number) => readonly AslRetrier[]): string {
  const stack = new Stack(new App(), 'Baseline');
  const fn = LambdaFunction.fromFunctionArn(stack, 'Wrapper', FUNCTION_ARN);
  let parallels = 0;
  const build = (node: OpBlock): Chainable => {
    if (node.kind === 'op') return buildTask(stack, fn, graph, node.op, retriersOf(node.op));
    if (node.kind === 'sequence') {
      const [first, ...rest] = node.items.map(build);
      return rest.reduce((chain, next) => chain.next(next), Chain.start(first!));
    }
    parallels += 1;
    const parallel = Parallel.jsonata(stack, `Parallel ${parallels}`);
    for (const branch of node.branches) parallel.branch(build(branch));
    return parallel;
  };
  const start = build(block);
  const json = new StateGraph(start.startState, 'baseline').toGraphJson();
  const text = JSON.stringify(stack.resolve({ QueryLanguage: 'JSONata', ...json }));
  // The optimised integration's Resource holds the partition as a CloudFormation join; count it
  // as deployed, with "aws" in its place.
  return text.replace(/\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":states:::lambda:invoke"\]\]\}/g, '"arn:aws:states:::lambda:invoke"');
}

function buildTask(stack: Stack, fn: IFunction, graph: OpGraph, k: number, retriers: readonly AslRetrier[]): Chainable {
  const name = graph.names[k]!;
  const task = LambdaInvoke.jsonata(stack, name, {
    lambdaFunction: fn,
    payload: TaskInput.fromObject({
      op: name,
      retryNumber: '{% $states.context.State.RetryCount %}',
      inputs: graph.predecessors[k]!.map((p) => `{% $${graph.names[p]} %}`),
    }),
    assign: { [name]: '{% $states.result.Payload %}' },
    outputs: {},
  });
  for (const retrier of retriers) {
    task.addRetry({
      errors: [...retrier.ErrorEquals],
      ...(retrier.IntervalSeconds === undefined ? {} : { interval: Duration.seconds(retrier.IntervalSeconds) }),
      ...(retrier.MaxAttempts === undefined ? {} : { maxAttempts: retrier.MaxAttempts }),
      ...(retrier.BackoffRate === undefined ? {} : { backoffRate: retrier.BackoffRate }),
      ...(retrier.MaxDelaySeconds === undefined ? {} : { maxDelay: Duration.seconds(retrier.MaxDelaySeconds) }),
      ...(retrier.JitterStrategy === 'FULL' ? { jitterStrategy: JitterType.FULL } : {}),
    });
  }
  return task;
}
