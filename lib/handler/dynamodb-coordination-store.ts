import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InternalError } from '../errors.js';
import { COORDINATION_TABLE_ATTRIBUTES } from '../job/coordination-protocol.js';
import type { CompleteResult, CoordinationKey, CoordinationStore, RegisterResult } from './coordination-store.js';

export interface DynamoDbCoordinationStoreOptions {
  /** The coordination table: partition key `pk` (string), TTL attribute `expiresAt`. */
  readonly tableName: string;
  /** The client to use (region, endpoint, credentials). @default - new DynamoDBClient({}) from the environment */
  readonly client?: DynamoDBClient;
  /**
   * How long an item lives after its first write, for the table's TTL: longer than any
   * execution (Standard workflows run at most a year), so an item outlives its run and then goes.
   * @default 31,622,400 (366 days)
   */
  readonly ttlSeconds?: number;
  /** Clock in epoch milliseconds, for the TTL. @default Date.now */
  readonly now?: () => number;
}

const COORDINATION_TABLE = COORDINATION_TABLE_ATTRIBUTES;

const DEFAULT_TTL_SECONDS = 31_622_400;

/**
 * The coordination store on AWS: one DynamoDB item per (run, producer op), key
 * `<runId>/<op>`, holding the tokens registered (a string set) and the producer's envelope
 * (its JSON). Both operations are single-item conditional writes, which DynamoDB applies one at
 * a time, so the race between a release and a registration is settled by the table:
 * - register: `ADD tokens :token` only if `attribute_not_exists(envelope)`; when the condition
 *   fails, the envelope is there: read it (strongly consistent) and return it.
 * - complete: `SET envelope = if_not_exists(envelope, :envelope)`, returning the whole item
 *   (ALL_NEW): the first envelope recorded and every token registered before it.
 * A registration either lands before the release's write (its token is in ALL_NEW) or fails
 * its condition after it (it reads the envelope). Every write sets `expiresAt` once, for TTL.
 * The SDK is loaded on first use, so a job without cross edges never loads it.
 */
export class DynamoDbCoordinationStore implements CoordinationStore {
  readonly tableName: string;
  private client: DynamoDBClient | undefined;
  private sdk: Promise<typeof import('@aws-sdk/client-dynamodb')> | undefined;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(options: DynamoDbCoordinationStoreOptions) {
    this.tableName = options.tableName;
    this.client = options.client;
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.now = options.now ?? Date.now;
  }

  private async load(): Promise<{ readonly sdk: typeof import('@aws-sdk/client-dynamodb'); readonly client: DynamoDBClient }> {
    this.sdk ??= import('@aws-sdk/client-dynamodb');
    const sdk = await this.sdk;
    this.client ??= new sdk.DynamoDBClient({});
    return { sdk, client: this.client };
  }

  private key(key: CoordinationKey): Record<string, AttributeValue> {
    return { [COORDINATION_TABLE.partitionKey]: { S: `${key.runId}/${key.op}` } };
  }

  private expiresAt(): AttributeValue {
    return { N: String(Math.floor(this.now() / 1000) + this.ttlSeconds) };
  }

  async register(key: CoordinationKey, token: string): Promise<RegisterResult> {
    const { sdk, client } = await this.load();
    try {
      await client.send(
        new sdk.UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(key),
          UpdateExpression: 'ADD #tokens :token SET #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(#envelope)',
          ExpressionAttributeNames: { '#tokens': COORDINATION_TABLE.tokens, '#ttl': COORDINATION_TABLE.ttl, '#envelope': COORDINATION_TABLE.envelope },
          ExpressionAttributeValues: { ':token': { SS: [token] }, ':ttl': this.expiresAt() },
        }),
      );
      return { done: false };
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
    }
    const read = await client.send(new sdk.GetItemCommand({ TableName: this.tableName, Key: this.key(key), ConsistentRead: true }));
    const envelope = read.Item?.[COORDINATION_TABLE.envelope]?.S;
    // The condition failed, so the envelope exists; items are never deleted before their TTL.
    if (envelope === undefined) throw new InternalError(`coordination item ${JSON.stringify(this.key(key))} in table ${this.tableName} has no envelope after its condition failed`);
    return { done: true, envelope: JSON.parse(envelope) as unknown };
  }

  async complete(key: CoordinationKey, envelope: unknown): Promise<CompleteResult> {
    const { sdk, client } = await this.load();
    const written = await client.send(
      new sdk.UpdateItemCommand({
        TableName: this.tableName,
        Key: this.key(key),
        UpdateExpression: 'SET #envelope = if_not_exists(#envelope, :envelope), #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#envelope': COORDINATION_TABLE.envelope, '#ttl': COORDINATION_TABLE.ttl },
        ExpressionAttributeValues: { ':envelope': { S: JSON.stringify(envelope) }, ':ttl': this.expiresAt() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = written.Attributes ?? {};
    return { envelope: JSON.parse(item[COORDINATION_TABLE.envelope]!.S!) as unknown, tokens: [...(item[COORDINATION_TABLE.tokens]?.SS ?? [])].sort() };
  }
}
