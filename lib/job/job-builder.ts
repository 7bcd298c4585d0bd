import { DefinitionError, describeValue } from '../errors.js';
import type { RetryPolicy } from '../policy/retry-policy.js';
import { MAX_NAME_LENGTH } from './names.js';
import type { AnyOpDefinition } from './op.js';

const HANDLE_BRAND = Symbol.for('stepops.outputHandle');
const ACTIVE_BUILDER = Symbol.for('stepops.activeJobBuilder');

/** A reference, inside a job body, to an op invocation's output; pass it to other ops to wire the graph. */
export interface OutputHandle<T = unknown> {
  /** The name of the invocation that produces the value. */
  readonly invocationName: string;
  /** Type-level only: the value the handle stands for. */
  readonly __output?: T;
}

/** One op invocation in a job: a node of the job graph. */
export interface OpInvocation {
  /** Unique in the job: the alias, the op's name, or Dagster's automatic `<name>_<k>` for a repeat. */
  readonly name: string;
  readonly op: AnyOpDefinition;
  /** The invocation's own policy (withRetryPolicy), which wins over the op's and the job's. */
  readonly retryPolicy: RetryPolicy | undefined;
  /** The invocations whose outputs are this op's inputs, in parameter order. */
  readonly inputs: readonly string[];
  /** The invocations this op waits for without taking their outputs (`.after`), each once, in the order given. */
  readonly after: readonly string[];
}

interface InvocationSettings {
  readonly aliasName: string | undefined;
  readonly invocationRetryPolicy: RetryPolicy | undefined;
  readonly afterHandles: readonly unknown[];
}

/** Records the invocations made while a job body runs. */
export class JobBuilder {
  readonly invocations: OpInvocation[] = [];
  private readonly byName = new Map<string, OpInvocation>();
  private readonly opsByName = new Map<string, AnyOpDefinition>();

  constructor(readonly jobName: string) {}

  recordInvocation(definition: AnyOpDefinition, settings: InvocationSettings, args: readonly unknown[]): OutputHandle {
    const opDefinedAs = this.opsByName.get(definition.name);
    if (opDefinedAs !== undefined && opDefinedAs !== definition) {
      throw new DefinitionError(`job "${this.jobName}" uses two different ops named "${definition.name}"; give one of them another name`);
    }
    this.opsByName.set(definition.name, definition);
    const name = this.chooseName(definition, settings.aliasName);
    if (args.length !== definition.inputCount) {
      throw new DefinitionError(
        `job "${this.jobName}": op "${name}" takes ${definition.inputCount} input(s) (its function's parameters after the context), got ${args.length}; pass one output handle per input`,
      );
    }
    const inputs = args.map((arg, index) => this.resolveHandle(name, `input ${index + 1}`, arg));
    const after = [...new Set(settings.afterHandles.map((arg, index) => this.resolveHandle(name, `after argument ${index + 1}`, arg)))];
    const invocation: OpInvocation = Object.freeze({
      name,
      op: definition,
      retryPolicy: settings.invocationRetryPolicy,
      inputs: Object.freeze(inputs),
      after: Object.freeze(after),
    });
    this.invocations.push(invocation);
    this.byName.set(name, invocation);
    const handle: OutputHandle = { invocationName: name };
    Object.defineProperty(handle, HANDLE_BRAND, { value: this });
    return Object.freeze(handle);
  }

  private chooseName(definition: AnyOpDefinition, aliasName: string | undefined): string {
    if (aliasName !== undefined) {
      if (this.byName.has(aliasName)) {
        throw new DefinitionError(`job "${this.jobName}" has two invocations named "${aliasName}"; give each invocation its own alias`);
      }
      return aliasName;
    }
    if (!this.byName.has(definition.name)) return definition.name;
    // Dagster names a repeated invocation without an alias <name>_2, <name>_3, ...
    for (let k = 2; ; k += 1) {
      const candidate = `${definition.name}_${k}`;
      if (this.byName.has(candidate)) continue;
      if (candidate.length > MAX_NAME_LENGTH) {
        throw new DefinitionError(
          `job "${this.jobName}": the automatic name "${candidate}" for a repeated invocation of op "${definition.name}" is over ${MAX_NAME_LENGTH} characters; give the invocation a shorter alias`,
        );
      }
      return candidate;
    }
  }

  /** `what`: 'input 2', 'after argument 1'. */
  private resolveHandle(consumer: string, what: string, arg: unknown): string {
    const owner = typeof arg === 'object' && arg !== null ? (arg as { [HANDLE_BRAND]?: unknown })[HANDLE_BRAND] : undefined;
    if (owner === undefined) {
      throw new DefinitionError(
        `job "${this.jobName}": ${what} of op "${consumer}" must be the output of another op invocation in this job, got ${describeValue(arg)}; pass constants through op config instead`,
      );
    }
    if (owner !== this) {
      throw new DefinitionError(
        `job "${this.jobName}": ${what} of op "${consumer}" is an output handle from another job ("${(arg as OutputHandle).invocationName}"); call the producing op inside this job's body`,
      );
    }
    return (arg as OutputHandle).invocationName;
  }
}

type GlobalWithBuilder = typeof globalThis & { [ACTIVE_BUILDER]?: JobBuilder };

/** The builder of the job body now running, shared by every loaded copy of stepops. */
export function getActiveJobBuilder(): JobBuilder | undefined {
  return (globalThis as GlobalWithBuilder)[ACTIVE_BUILDER];
}

/** Runs `body` with a fresh builder active and returns what it recorded. */
export function recordJobBody(jobName: string, body: () => unknown): readonly OpInvocation[] {
  const holder = globalThis as GlobalWithBuilder;
  if (holder[ACTIVE_BUILDER] !== undefined) {
    throw new DefinitionError(`job "${jobName}" is defined inside the body of job "${holder[ACTIVE_BUILDER].jobName}"; define jobs at module level`);
  }
  const builder = new JobBuilder(jobName);
  holder[ACTIVE_BUILDER] = builder;
  let returned: unknown;
  try {
    returned = body();
  } finally {
    holder[ACTIVE_BUILDER] = undefined;
  }
  if (typeof returned === 'object' && returned !== null && typeof (returned as { then?: unknown }).then === 'function') {
    throw new DefinitionError(`job "${jobName}" body returned a Promise; a job body only wires ops and must be synchronous (remove async/await from it)`);
  }
  return builder.invocations;
}
