import { createHash } from 'node:crypto';
import type { JobDefinition } from './job.js';
import { resolveRetryPolicy } from './resolve-retry-policy.js';
import { PROTOCOL_VERSION } from './wire-protocol.js';

/**
 * A short hash of everything the state machine and the wrapper must agree on: the job's name,
 * each invocation (name, op, inputs, `.after` ops) and its resolved policy. The compiler puts it in every
 * payload; the wrapper refuses a payload whose hash differs from its own job's.
 */
export function computeJobFingerprint(job: JobDefinition): string {
  const shape = {
    protocol: PROTOCOL_VERSION,
    job: job.name,
    invocations: job.invocations.map((invocation) => {
      const { policy, source } = resolveRetryPolicy(job, invocation);
      // `.after` only when present, so jobs without it keep their hash.
      return [
        invocation.name,
        invocation.op.name,
        invocation.op.inputCount,
        invocation.inputs,
        source,
        policy?.toJSON() ?? null,
        ...(invocation.after.length > 0 ? [invocation.after] : []),
      ];
    }),
  };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}
