import { describe, expect, it } from 'vitest';
import { InvalidDefinitionError, MissingTaskHandlerError, runStateMachine, RunnerError, UnsupportedDefinitionError } from '../../lib/runner/index.js';
import { machine } from './helpers.js';

const pass = { Type: 'Pass', End: true };
const lambdaTask = (extra: Record<string, unknown> = {}) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, ...extra });
const handlers = { taskHandlers: { T: () => null } };

describe('unsupported definitions', () => {
  it.each([
    {
      name: 'QueryLanguage missing (JSONPath)',
      def: { StartAt: 'A', States: { A: pass } },
      message: /state "A": QueryLanguage is missing here and at the top level \(JSONPath\).*"QueryLanguage": "JSONata"/,
    },
    {
      name: 'QueryLanguage JSONPath',
      def: { QueryLanguage: 'JSONPath', StartAt: 'A', States: { A: pass } },
      message: /state "A": QueryLanguage is "JSONPath" \(from the top level\)/,
    },
    {
      name: 'one state of several without QueryLanguage',
      def: { StartAt: 'A', States: { A: { Type: 'Pass', QueryLanguage: 'JSONata', Next: 'B' }, B: pass } },
      message: /state "B": QueryLanguage is missing here and at the top level/,
    },
    { name: 'a JSONPath state', def: machine('A', { A: { ...pass, QueryLanguage: 'JSONPath' } }), message: /state "A": QueryLanguage is "JSONPath"/ },
    {
      name: 'Distributed Map',
      def: machine('M', {
        M: { Type: 'Map', End: true, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'A', States: { A: pass } } },
      }),
      message: /state "M": .*DISTRIBUTED.*use Mode INLINE/,
    },
    {
      name: 'ItemReader',
      def: machine('M', { M: { Type: 'Map', End: true, ItemReader: {}, ItemProcessor: { StartAt: 'A', States: { A: pass } } } }),
      message: /state "M": ItemReader is not supported/,
    },
    {
      name: 'legacy Iterator',
      def: machine('M', { M: { Type: 'Map', End: true, Iterator: { StartAt: 'A', States: { A: pass } } } }),
      message: /state "M": Iterator is not supported.*use ItemProcessor/,
    },
    {
      name: 'Label (Distributed Map)',
      def: machine('M', { M: { Type: 'Map', End: true, Label: 'x', ItemProcessor: { StartAt: 'A', States: { A: pass } } } }),
      message: /state "M": Label is not supported/,
    },
  ])('fails on $name', async ({ def, message }) => {
    const run = runStateMachine(def, handlers);
    await expect(run).rejects.toThrow(UnsupportedDefinitionError);
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.toMatchObject({ name: 'stepops.UnsupportedDefinition' });
  });
});

describe('invalid definitions', () => {
  it.each([
    { name: 'not JSON', def: '{', message: /not valid JSON/ },
    { name: 'StartAt unknown', def: machine('Nope', { A: pass }), message: /StartAt "Nope" names no state/ },
    { name: 'Next unknown', def: machine('A', { A: { Type: 'Pass', Next: 'B' } }), message: /state "A": Next "B" names no state/ },
    { name: 'Next and End', def: machine('A', { A: { Type: 'Pass', Next: 'A', End: true } }), message: /exactly one of "Next"/ },
    { name: 'unknown Type', def: machine('A', { A: { Type: 'Loop' } }), message: /state "A": Type must be one of/ },
    { name: 'unknown field', def: machine('A', { A: { ...pass, Foo: 1 } }), message: /state "A": Foo is not a field here/ },
    { name: 'JSONPath Parameters', def: machine('T', { T: lambdaTask({ Parameters: {} }) }), message: /state "T": Parameters is a JSONPath field.*use Arguments/ },
    {
      name: 'a JSONPath field after an unknown one (the JSONPath field is named)',
      def: machine('T', { T: lambdaTask({ Foo: 1, InputPath: '$' }) }),
      message: /state "T": InputPath is a JSONPath field/,
    },
    {
      name: 'JSONPath ResultPath on catcher',
      def: machine('T', { T: lambdaTask({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'T', ResultPath: '$.e' }] }) }),
      message: /Catch\[0\]: ResultPath is a JSONPath field/,
    },
    { name: 'States.ALL not alone', def: machine('T', { T: lambdaTask({ Retry: [{ ErrorEquals: ['States.ALL', 'E'] }] }) }), message: /States.ALL must appear alone/ },
    {
      name: 'States.ALL not last',
      def: machine('T', { T: lambdaTask({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['E'] }] }) }),
      message: /retrier with States.ALL must be the last retrier/,
    },
    {
      name: 'IntervalSeconds 0',
      def: machine('T', { T: lambdaTask({ Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 0 }] }) }),
      message: /Retry\[0\]: IntervalSeconds must be an integer from 1 to 99999999 \(got 0\)/,
    },
    {
      name: 'fractional IntervalSeconds',
      def: machine('T', { T: lambdaTask({ Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 1.5 }] }) }),
      message: /IntervalSeconds must be an integer/,
    },
    {
      name: 'a Retry array two states share (the first is named)',
      def: ((retry: unknown[]) => machine('T', { T: lambdaTask({ Retry: retry, End: undefined, Next: 'U' }), U: lambdaTask({ Retry: retry }) }))([
        { ErrorEquals: ['E'], IntervalSeconds: 0 },
      ]),
      message: /state "T" Retry\[0\]: IntervalSeconds must be an integer/,
    },
    { name: 'negative MaxAttempts', def: machine('T', { T: lambdaTask({ Retry: [{ ErrorEquals: ['E'], MaxAttempts: -1 }] }) }), message: /MaxAttempts must be an integer from 0/ },
    { name: 'BackoffRate below 1', def: machine('T', { T: lambdaTask({ Retry: [{ ErrorEquals: ['E'], BackoffRate: 0.5 }] }) }), message: /BackoffRate must be a number >= 1.0/ },
    {
      name: 'MaxDelaySeconds too big',
      def: machine('T', { T: lambdaTask({ Retry: [{ ErrorEquals: ['E'], MaxDelaySeconds: 31_622_401 }] }) }),
      message: /MaxDelaySeconds must be an integer from 1 to 31622400/,
    },
    {
      name: 'bad JitterStrategy',
      def: machine('T', { T: lambdaTask({ Retry: [{ ErrorEquals: ['E'], JitterStrategy: 'HALF' }] }) }),
      message: /JitterStrategy must be "FULL" or "NONE"/,
    },
    { name: 'empty ErrorEquals', def: machine('T', { T: lambdaTask({ Retry: [{ ErrorEquals: [] }] }) }), message: /ErrorEquals must be a non-empty array/ },
    {
      name: 'JSONata syntax error',
      def: machine('A', { A: { ...pass, Output: '{% $states.input. %}' } }),
      message: /state "A" Output: the JSONata expression .* does not compile/,
    },
    {
      name: 'Wait with both',
      def: machine('W', { W: { Type: 'Wait', Seconds: 1, Timestamp: '2026-01-01T00:00:00Z', End: true } }),
      message: /exactly one of Seconds or Timestamp/,
    },
    {
      name: 'JSONPath choice rule',
      def: machine('C', { C: { Type: 'Choice', Choices: [{ Variable: '$.x', NumericEquals: 1, Next: 'A' }] }, A: pass }),
      message: /Choices\[0\]: Variable is not a JSONata choice rule field/,
    },
    { name: 'unreachable state', def: machine('A', { A: pass, B: pass }), message: /state "B": is not reachable/ },
    {
      name: 'duplicate names across branches',
      def: machine('P', { P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'P', States: { P: pass } }] } }),
      message: /state "P": the name is used twice/,
    },
    { name: 'bad variable name', def: machine('A', { A: { ...pass, Assign: { '1x': 1 } } }), message: /"1x" is not a valid variable name/ },
    { name: 'variable name with a hyphen', def: machine('A', { A: { ...pass, Assign: { é_1: 1, 'a-b': 2 } } }), message: /"a-b" is not a valid variable name/ },
    { name: 'empty variable name', def: machine('A', { A: { ...pass, Assign: { '': 1 } } }), message: /"" is not a valid variable name/ },
    {
      name: 'HeartbeatSeconds not below TimeoutSeconds',
      def: machine('T', { T: lambdaTask({ HeartbeatSeconds: 10, TimeoutSeconds: 10 }) }),
      message: /state "T": HeartbeatSeconds \(10\) must be smaller than TimeoutSeconds \(10\)/,
    },
    { name: 'HeartbeatSeconds 0', def: machine('T', { T: lambdaTask({ HeartbeatSeconds: 0 }) }), message: /HeartbeatSeconds must be an integer from 1 to 99999999 \(got 0\)/ },
    {
      name: 'ToleratedFailurePercentage over 100',
      def: machine('M', { M: { Type: 'Map', End: true, ToleratedFailurePercentage: 101, ItemProcessor: { StartAt: 'A', States: { A: pass } } } }),
      message: /ToleratedFailurePercentage must be a number from 0 to 100 \(got 101\)/,
    },
    {
      name: 'ToleratedFailureCount negative',
      def: machine('M', { M: { Type: 'Map', End: true, ToleratedFailureCount: -1, ItemProcessor: { StartAt: 'A', States: { A: pass } } } }),
      message: /ToleratedFailureCount must be an integer from 0/,
    },
    {
      name: 'Wait Timestamp without T',
      def: machine('W', { W: { Type: 'Wait', Timestamp: '2016-12-05 21:29:29Z', End: true } }),
      message: /state "W": Timestamp must be an ISO-8601 extended offset date-time/,
    },
    {
      name: 'Wait Timestamp without offset',
      def: machine('W', { W: { Type: 'Wait', Timestamp: '2016-12-05T21:29:29', End: true } }),
      message: /Timestamp must be an ISO-8601 extended offset date-time/,
    },
    {
      name: 'QueryLanguage not a language',
      def: machine('A', { A: pass }, { QueryLanguage: 'SQL' }),
      message: /definition: QueryLanguage must be "JSONata" or "JSONPath" \(got "SQL"\)/,
    },
    { name: 'execution TimeoutSeconds 0', def: machine('A', { A: pass }, { TimeoutSeconds: 0 }), message: /TimeoutSeconds must be an integer from 1/ },
  ])('fails on $name', async ({ def, message }) => {
    const run = runStateMachine(def, handlers);
    await expect(run).rejects.toThrow(InvalidDefinitionError);
    await expect(run).rejects.toThrow(message);
  });
});

describe('missing task handlers', () => {
  it.each([
    {
      name: 'lambda:invoke without handler or client',
      resource: 'arn:aws:states:::lambda:invoke',
      message: /state "T": Resource arn:aws:states:::lambda:invoke needs a handler or a Lambda client; pass taskHandlers: \{ "T": .* or lambda:/,
    },
    {
      name: 'lambda:invoke.waitForTaskToken without handler or client',
      resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      message: /state "T": Resource arn:aws:states:::lambda:invoke.waitForTaskToken needs a handler or a Lambda client; pass taskHandlers/,
    },
    {
      name: 'another integration',
      resource: 'arn:aws:states:::dynamodb:putItem',
      message: /state "T": Resource arn:aws:states:::dynamodb:putItem cannot be called by the local runner; pass taskHandlers/,
    },
  ])('fails on $name before running anything', async ({ resource, message }) => {
    const events: unknown[] = [];
    const run = runStateMachine(machine('T', { T: lambdaTask({ Resource: resource }) }), { onEvent: (e) => events.push(e) });
    await expect(run).rejects.toThrow(MissingTaskHandlerError);
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.toBeInstanceOf(RunnerError);
    expect(events).toStrictEqual([]);
  });

  it('runs any Resource when a handler is given', async () => {
    const def = machine('T', { T: lambdaTask({ Resource: 'arn:aws:states:::dynamodb:putItem' }) });
    const result = await runStateMachine(def, { taskHandlers: { T: () => 'stored' } });
    expect(result.output).toBe('stored');
    expect(result.history[2]!.taskScheduledEventDetails).toMatchObject({ resourceType: 'dynamodb', resource: 'putItem' });
  });
});
