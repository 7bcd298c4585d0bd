import { StatesError, StatesErrorName } from '../states/states-error.js';

/**
 * Step Functions' quota on all the workflow variables of one execution: 10 MiB of UTF-8 JSON
 * (the developer guide's workflow-variables page; one variable and one Assign are held to the
 * 256 KiB payload quota by payload-limit.ts). Counted over the variables the execution's scopes
 * hold at once: the top level's and those of the branches and iterations of the Parallel and Map
 * states running; a variable assigned again counts its new value only; a branch's variables are
 * given back when its Parallel or Map ends (they are not visible outside it). The reference
 * does not say when AWS frees them: this is the stricter reading, and the same whatever order
 * the branches run in. Over the quota, the assigning state fails with
 * States.DataLimitExceeded, which States.ALL does not match.
 */
export const MAX_EXECUTION_VARIABLES_BYTES = 10 * 1024 * 1024;

/** The bytes of the variables one execution holds now. */
export class ExecutionVariables {
  totalBytes = 0;
}

/**
 * Counts the variables an Assign sets in a scope (`serialized`: name -> JSON) against the
 * execution's quota; throws States.DataLimitExceeded (and counts nothing) when they would bring it over.
 */
export function countAssignedVariables(execution: ExecutionVariables, scopeBytes: Map<string, number>, serialized: Readonly<Record<string, string>>, stateName: string): void {
  const sizes = Object.entries(serialized).map(([name, json]) => [name, Buffer.byteLength(json, 'utf8')] as const);
  const total = sizes.reduce((sum, [name, bytes]) => sum + bytes - (scopeBytes.get(name) ?? 0), execution.totalBytes);
  if (total > MAX_EXECUTION_VARIABLES_BYTES) {
    throw new StatesError(
      StatesErrorName.DataLimitExceeded,
      `The state '${stateName}' assigned variables that bring the execution's variables to ${total} bytes, exceeding the maximum number of bytes service limit (${MAX_EXECUTION_VARIABLES_BYTES} bytes) for all the variables of an execution.`,
    );
  }
  for (const [name, bytes] of sizes) scopeBytes.set(name, bytes);
  execution.totalBytes = total;
}

/** Gives a branch's or iteration's variables back to the execution's quota (its Parallel or Map has ended). */
export function releaseScopeVariables(execution: ExecutionVariables, scopeBytes: Map<string, number>): void {
  for (const bytes of scopeBytes.values()) execution.totalBytes -= bytes;
  scopeBytes.clear();
}
