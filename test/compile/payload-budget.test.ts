import { describe, expect, it } from 'vitest';
import { compileJob } from '../../lib/asl/index.js';
import { buildOpGraphFromEdges } from '../../lib/asl/job-graph.js';
import type { AslDefinition } from '../../lib/asl/asl-types.js';
import { MAX_REFERENCE_BYTES, MAX_STATE_BYTES, RESERVED_STATE_BYTES, VALUE_ENVELOPE_BYTES, planPayloadBudget } from '../../lib/asl/payload-budget.js';
import { DefinitionError } from '../../lib/errors.js';
import { INLINE_THRESHOLD_BYTES } from '../../lib/job/wire-protocol.js';
import { buildJobFromGraph } from './graph-jobs.js';

/** A join of `width` independent leaves: its Task's payload carries `width` values. */
function compileJoin(width: number, options: { maxDefinitionCharacters?: number } = {}) {
  const names = [...Array.from({ length: width }, (_, k) => `leaf_${k}`), 'join'];
  const predecessors = [...Array.from({ length: width }, () => []), Array.from({ length: width }, (_, k) => k)];
  return compileJob(buildJobFromGraph(`join_${width}`, buildOpGraphFromEdges(names, predecessors)), options);
}

/** The budget numbers the compiled job's init-run assigns. */
function readBudget(compiled: ReturnType<typeof compileJob>): { inlineBytes: number; markerCauseCharacters: number } {
  const assign = (compiled.definition.States['init-run'] as unknown as { Assign: { p: { inlineBytes: number }; mc: number } }).Assign;
  return { inlineBytes: assign.p.inlineBytes, markerCauseCharacters: assign.mc };
}

const usable = MAX_STATE_BYTES - RESERVED_STATE_BYTES;

describe('the payload budget keeps every state under 256 KiB', () => {
  // Every op's marker may meet in the final check: each keeps what its share of the state leaves after MARKER_FIXED_BYTES, 6 bytes a character.
  const markerShare = (ops: number): number => Math.max(0, Math.min(16_000, Math.floor((Math.floor(usable / ops) - 1_900) / 6)));
  it.each([
    // [leaves, inline threshold, marker cause characters]
    [1, INLINE_THRESHOLD_BYTES, 16_000],
    [2, INLINE_THRESHOLD_BYTES, markerShare(3)],
    [14, INLINE_THRESHOLD_BYTES, markerShare(15)],
    [20, Math.floor(usable / 20) - VALUE_ENVELOPE_BYTES, markerShare(21)],
    [200, Math.floor(usable / 200) - VALUE_ENVELOPE_BYTES, 0],
  ])('a join of %i values: inline threshold %i bytes, markers keep %i characters of their cause', (width, inlineBytes, markerCauseCharacters) => {
    const compiled = compileJoin(width);
    expect(readBudget(compiled)).toStrictEqual({ inlineBytes, markerCauseCharacters });
    // The fullest state, with every value at the threshold plus its envelope, fits beside the reserve.
    expect(width * (inlineBytes + VALUE_ENVELOPE_BYTES)).toBeLessThanOrEqual(usable);
  });

  it('says in the notes when it lowers the threshold, naming the state and its ops', () => {
    const notes = compileJoin(200).diagnostics.notes;
    expect(notes).toContain(
      `op outputs over ${Math.floor(usable / 200) - VALUE_ENVELOPE_BYTES} bytes go through the IO manager (the default threshold is ${INLINE_THRESHOLD_BYTES}): state "parallel-0" carries up to 200 op values (ops "leaf_0", "leaf_1", "leaf_2", "leaf_3", "leaf_4" and 195 more)`,
    );
    expect(notes.some((note) => note.startsWith('failure markers keep no cause: with 201 ops, if more than 129 of them fail'))).toBe(true);
    expect(compileJoin(2).diagnostics.notes).toStrictEqual([]);
  });

  it('fails when one state would carry more references than fit, naming the state and its ops', () => {
    const width = Math.floor(usable / MAX_REFERENCE_BYTES) + 1;
    const names = Array.from({ length: width + 1 }, (_, k) => `op_${k}`);
    const inputs = names
      .slice(0, width)
      .map((_, k) => `$v${k}`)
      .join(',');
    const definition: AslDefinition = {
      QueryLanguage: 'JSONata',
      StartAt: 'op_0',
      States: { [`op_${width}`]: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { Payload: `{% [${inputs}] %}` }, End: true } },
    };
    expect(() => planPayloadBudget('wide', [{ name: 'job', definition }], names)).toThrow(DefinitionError);
    expect(() => planPayloadBudget('wide', [{ name: 'job', definition }], names)).toThrow(
      `job "wide": state "op_${width}" carries up to ${width} op values (ops "op_0", "op_1", "op_2", "op_3", "op_4" and ${width - 5} more); even as references of up to ${MAX_REFERENCE_BYTES} bytes they would pass Step Functions' 262144-byte state limit (245760 bytes after 16384 for the machine's own data); give those values fewer consumers outside their branch, or split the job into smaller jobs`,
    );
  });
});
