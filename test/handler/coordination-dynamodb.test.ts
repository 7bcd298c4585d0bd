/** The coordination protocol's race cases against a real DynamoDB-compatible server (dynalite) on 127.0.0.1, port 0. */
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, SendTaskSuccessCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import dynalite from 'dynalite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCoordinationFromEnvironment, StepFunctionsTaskTokenSender } from '../../lib/handler/coordination-from-environment.js';
import { DynamoDbCoordinationStore } from '../../lib/handler/dynamodb-coordination-store.js';
import { jobHandler } from '../../lib/handler/index.js';
import { awaitRequest, coordinatedJob, defineCoordinationCases, releaseRequest } from './coordination-cases.js';

const server = dynalite({ createTableMs: 0 });
const NOW_MS = 1_700_000_000_000;
let client: DynamoDBClient;
let store: DynamoDbCoordinationStore;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(
    new CreateTableCommand({
      TableName: 'coordination',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  store = new DynamoDbCoordinationStore({ tableName: 'coordination', client, now: () => NOW_MS });
});

afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('coordination protocol, DynamoDB store (dynalite)', () => {
  defineCoordinationCases(() => store);
});

describe('DynamoDbCoordinationStore (dynalite)', () => {
  const readItem = async (pk: string) => (await client.send(new GetItemCommand({ TableName: 'coordination', Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;

  it('keeps one item per (run, producer op): the tokens registered, the first envelope, and expiresAt set once at the first write', async () => {
    const later = new DynamoDbCoordinationStore({ tableName: 'coordination', client, now: () => NOW_MS + 5_000_000 });
    await expect(store.register({ runId: 'item-run', op: 'p' }, 'token-1')).resolves.toStrictEqual({ done: false });
    await expect(later.complete({ runId: 'item-run', op: 'p' }, { v: [1, 'x'] })).resolves.toStrictEqual({ envelope: { v: [1, 'x'] }, tokens: ['token-1'] });
    await expect(later.register({ runId: 'item-run', op: 'p' }, 'token-2')).resolves.toStrictEqual({ done: true, envelope: { v: [1, 'x'] } });
    expect(await readItem('item-run/p')).toStrictEqual({
      pk: { S: 'item-run/p' },
      tokens: { SS: ['token-1'] },
      envelope: { S: '{"v":[1,"x"]}' },
      expiresAt: { N: String(NOW_MS / 1000 + 31_622_400) },
    });
    expect(await readItem('item-run/q')).toBeUndefined();
  });

  it('50 rounds of two registrations and a release in flight at once: every token gets the envelope exactly once, from the release or from its registration', async () => {
    const problems: string[] = [];
    for (let round = 0; round < 50; round += 1) {
      const key = { runId: `race-${round}`, op: 'p' };
      const [first, released, second] = await Promise.all([store.register(key, 'token-a'), store.complete(key, { v: round }), store.register(key, 'token-b')]);
      for (const [token, registered] of [
        ['token-a', first],
        ['token-b', second],
      ] as const) {
        const fromRelease = released.tokens.includes(token);
        if (fromRelease === registered.done) problems.push(`round ${round} ${token}: ${fromRelease ? 'twice' : 'never'}`);
        if (registered.done && JSON.stringify(registered.envelope) !== JSON.stringify({ v: round })) problems.push(`round ${round} ${token}: wrong envelope`);
      }
    }
    expect(problems).toStrictEqual([]);
  });

  it('fails with the error DynamoDB gives when the table does not exist (no silent success)', async () => {
    const missing = new DynamoDbCoordinationStore({ tableName: 'no-such-table', client });
    await expect(missing.register({ runId: 'r', op: 'p' }, 't')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(missing.complete({ runId: 'r', op: 'p' }, { v: 1 })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('serves a deployed-style jobHandler whose store comes from STEPOPS_COORDINATION_TABLE', async () => {
    const fromEnvironment = createCoordinationFromEnvironment({ STEPOPS_COORDINATION_TABLE: 'coordination' });
    expect(fromEnvironment?.store).toBeInstanceOf(DynamoDbCoordinationStore);
    expect((fromEnvironment?.store as DynamoDbCoordinationStore).tableName).toBe('coordination');
    expect(fromEnvironment?.sender).toBeInstanceOf(StepFunctionsTaskTokenSender);
    // The same wiring with the test's client and a recording sender: an await then a release.
    const sent: string[] = [];
    const handler = jobHandler(coordinatedJob, {
      coordination: { store, sender: { sendTaskSuccess: (input) => Promise.resolve(sent.push(`${input.taskToken} ${input.output}`)) } },
      writeLog: () => {},
    });
    await handler(awaitRequest('env-run', 'token-1'));
    await handler(releaseRequest('env-run', { v: 5 }));
    expect(sent).toStrictEqual(['token-1 {"v":5}']);
  });
});

describe('createCoordinationFromEnvironment', () => {
  it.each([[{}], [{ STEPOPS_COORDINATION_TABLE: '' }]])('gives no coordination when STEPOPS_COORDINATION_TABLE is unset or empty (%j)', (environment) => {
    expect(createCoordinationFromEnvironment(environment)).toBeUndefined();
  });
});

describe('StepFunctionsTaskTokenSender', () => {
  const sfn = mockClient(SFNClient);
  afterEach(() => sfn.reset());

  it('sends SendTaskSuccess with the token and the output as they are', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await new StepFunctionsTaskTokenSender(new SFNClient({ region: 'us-east-1' })).sendTaskSuccess({ taskToken: 'token-1', output: '{"v":1}' });
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input)).toStrictEqual([{ taskToken: 'token-1', output: '{"v":1}' }]);
  });

  it("passes Step Functions' errors on by name (serveCoordination passes over TaskTimedOut)", async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    await expect(new StepFunctionsTaskTokenSender(new SFNClient({ region: 'us-east-1' })).sendTaskSuccess({ taskToken: 't', output: '{}' })).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
  });
});
