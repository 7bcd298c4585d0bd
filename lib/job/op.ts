import type { StandardSchemaV1 } from '@standard-schema/spec';
import { DefinitionError, describeValue } from '../errors.js';
import { isRetryPolicy, type RetryPolicy } from '../policy/retry-policy.js';
import { checkName } from './names.js';
import { RunConfigError, validateOpConfig } from './run-config.js';
import { buildOpContext, isOpContext, type OpContext } from './op-context.js';
import { getActiveJobBuilder, type OutputHandle } from './job-builder.js';

const OP_BRAND = Symbol.for('stepops.op');

/** The op's code: the context first, then one parameter per input, in order. May be async. */
export type OpFunction<I extends unknown[], O, C = unknown> = (context: OpContext<C>, ...inputs: I) => O | Promise<O>;

/** The output handles an op takes inside a job body, one per input. */
export type HandlesFor<I extends unknown[]> = { [K in keyof I]: OutputHandle<I[K]> };

export interface OpConfig<C = unknown> {
  /** Matches ^[A-Za-z0-9_]+$, at most 80 characters; the Task state's name. */
  readonly name: string;
  /**
   * The schema of the op's run config (Dagster's config_schema), from any Standard Schema
   * library (zod, valibot, arktype...): it types `ctx.config` as its output and validates
   * `ops.<name>.config` before the op runs (locally before the run starts; in Lambda before
   * the op's code runs, failing it with stepops.RunConfigError).
   * @default - none: ctx.config is the config as given (`unknown`)
   */
  readonly configSchema?: StandardSchemaV1<unknown, C>;
  /** The op definition's policy. @default - none: the job's opRetryPolicy, if any, applies */
  readonly retryPolicy?: RetryPolicy;
  /** @default - none */
  readonly description?: string;
}

/**
 * An op, or a configured invocation of one. Inside a job body, calling it records an
 * invocation and returns a handle to its output; outside, calling it runs the op directly
 * (pass a context from buildOpContext first, then the inputs), as Dagster's direct invocation.
 */
export interface OpInvocable<I extends unknown[], O> {
  (...inputs: HandlesFor<I>): OutputHandle<Awaited<O>>;
  (context: OpContext, ...inputs: I): Promise<Awaited<O>>;
  /** An invocation of this op under another name (Dagster's alias). */
  alias(name: string): ConfiguredOp<I, O>;
  /** An invocation of this op with its own retry policy, which wins over the definition's and the job's. */
  withRetryPolicy(policy: RetryPolicy): ConfiguredOp<I, O>;
  /**
   * An invocation that also waits for these ops without taking their outputs (Dagster's
   * `In(Nothing)`): `notify.after(load())()`. A failed one skips this op like a failed input.
   * Repeated calls add up; chains with alias and withRetryPolicy in any order.
   */
  after(...handles: OutputHandle[]): ConfiguredOp<I, O>;
}

/** An op definition made by op(). */
export interface OpDefinition<I extends unknown[] = unknown[], O = unknown, C = unknown> extends OpInvocable<I, O> {
  readonly kind: 'op';
  readonly name: string;
  readonly description: string | undefined;
  readonly retryPolicy: RetryPolicy | undefined;
  /** The schema of `ops.<name>.config`, if the op declares one. */
  readonly configSchema: StandardSchemaV1<unknown, C> | undefined;
  /** Inputs the op takes: the function's parameters after the context. */
  readonly inputCount: number;
  readonly compute: OpFunction<I, O, C>;
}

/** An op with an alias and/or an invocation retry policy. */
export interface ConfiguredOp<I extends unknown[] = unknown[], O = unknown, C = unknown> extends OpInvocable<I, O> {
  readonly kind: 'configured-op';
  readonly definition: OpDefinition<I, O, C>;
  readonly aliasName: string | undefined;
  readonly invocationRetryPolicy: RetryPolicy | undefined;
  /** The ops this invocation waits for without taking their outputs (after). */
  readonly afterHandles: readonly OutputHandle[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the erased form of any op
export type AnyOpDefinition = OpDefinition<any[], any, any>;

interface InvocationSettings {
  readonly aliasName: string | undefined;
  readonly invocationRetryPolicy: RetryPolicy | undefined;
  readonly afterHandles: readonly OutputHandle[];
}

/** Defines an op: Dagster's @op, with the function's parameters after the context as its inputs. */
export function op<I extends unknown[], O, C = unknown>(config: OpConfig<C>, compute: OpFunction<I, O, C>): OpDefinition<I, O, C> {
  if (typeof config !== 'object' || config === null) {
    throw new DefinitionError(`op config must be an object, got ${describeValue(config)}; pass { name: 'my_op' }`);
  }
  const name = checkName('op.name', config.name);
  if (config.retryPolicy !== undefined && !isRetryPolicy(config.retryPolicy)) {
    throw new DefinitionError(`op "${name}" retryPolicy must be a RetryPolicy, got ${describeValue(config.retryPolicy)}; use new RetryPolicy({ ... })`);
  }
  if (config.configSchema !== undefined && !isStandardSchema(config.configSchema)) {
    throw new DefinitionError(
      `op "${name}" configSchema must be a Standard Schema (an object with a "~standard" property, as zod, valibot and arktype schemas have), got ${describeValue(config.configSchema)}; pass e.g. z.object({ ... })`,
    );
  }
  if (typeof compute !== 'function') {
    throw new DefinitionError(`op "${name}" needs a function (context, ...inputs) => output, got ${describeValue(compute)}`);
  }
  const definition = makeInvocable<I, O, C>(() => definition, { aliasName: undefined, invocationRetryPolicy: undefined, afterHandles: [] }) as OpDefinition<I, O, C>;
  defineFields(definition, {
    kind: 'op',
    name,
    description: config.description,
    retryPolicy: config.retryPolicy,
    configSchema: config.configSchema,
    inputCount: Math.max(0, compute.length - 1),
    compute,
  });
  Object.defineProperty(definition, OP_BRAND, { value: true });
  return Object.freeze(definition);
}

function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const standard = (value as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard'];
  return typeof standard === 'object' && standard !== null && standard.version === 1 && typeof standard.validate === 'function';
}

/** True for an op definition (from any loaded copy of stepops). */
export function isOpDefinition(value: unknown): value is AnyOpDefinition {
  return typeof value === 'function' && (value as { [OP_BRAND]?: boolean })[OP_BRAND] === true && (value as { kind?: string }).kind === 'op';
}

function makeInvocable<I extends unknown[], O, C>(getDefinition: () => OpDefinition<I, O, C>, settings: InvocationSettings): OpInvocable<I, O> {
  const invocable = function (this: unknown, ...args: unknown[]): unknown {
    const builder = getActiveJobBuilder();
    if (builder !== undefined) return builder.recordInvocation(getDefinition() as unknown as AnyOpDefinition, settings, args);
    return invokeDirectly(getDefinition(), settings, args);
  } as OpInvocable<I, O>;
  defineFields(invocable, {
    alias(aliasName: string) {
      const checked = checkName(`alias of op "${getDefinition().name}"`, aliasName);
      return configure(getDefinition(), { ...settings, aliasName: checked });
    },
    withRetryPolicy(policy: RetryPolicy) {
      if (!isRetryPolicy(policy)) {
        throw new DefinitionError(`withRetryPolicy on op "${getDefinition().name}" needs a RetryPolicy, got ${describeValue(policy)}; use new RetryPolicy({ ... })`);
      }
      return configure(getDefinition(), { ...settings, invocationRetryPolicy: policy });
    },
    after(...handles: OutputHandle[]) {
      if (handles.length === 0) {
        throw new DefinitionError(
          `after on op "${getDefinition().name}" needs at least one output handle, got none; pass the ops to wait for, e.g. ${getDefinition().name}.after(load())()`,
        );
      }
      // The handles are checked (this job's, op outputs) when the invocation is recorded.
      return configure(getDefinition(), { ...settings, afterHandles: Object.freeze([...settings.afterHandles, ...handles]) });
    },
  });
  return invocable;
}

function configure<I extends unknown[], O, C>(definition: OpDefinition<I, O, C>, settings: InvocationSettings): ConfiguredOp<I, O, C> {
  const configured = makeInvocable(() => definition, settings) as ConfiguredOp<I, O, C>;
  defineFields(configured, { kind: 'configured-op', definition, ...settings });
  return Object.freeze(configured);
}

async function invokeDirectly<I extends unknown[], O, C>(definition: OpDefinition<I, O, C>, settings: InvocationSettings, args: unknown[]): Promise<Awaited<O>> {
  const opName = settings.aliasName ?? definition.name;
  const [first, ...rest] = args;
  const context = isOpContext(first) ? first : buildOpContext({ opName });
  const inputs = isOpContext(first) ? rest : args;
  if (inputs.length !== definition.inputCount) {
    throw new DefinitionError(
      `op "${opName}" takes ${definition.inputCount} input(s), got ${inputs.length}; call it as ${opName}(buildOpContext(), ${inputList(definition.inputCount)})`,
    );
  }
  // As in a run, the config must fit the op's schema, and the op sees the schema's output.
  const prepared = await validateOpConfig(definition, opName, context.config);
  if (prepared.kind === 'invalid') throw new RunConfigError('direct_invocation', prepared.issues);
  return await definition.compute({ ...context, config: prepared.config as C }, ...(inputs as I));
}

function inputList(count: number): string {
  return Array.from({ length: count }, (_, index) => `input${index + 1}`).join(', ');
}

function defineFields(target: object, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    Object.defineProperty(target, key, { value, enumerable: true, configurable: false, writable: false });
  }
}
