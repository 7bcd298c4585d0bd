import { InternalError } from '../errors.js';
import type { AslBranch, AslState } from './asl-types.js';

/**
 * Measures a job's unsplit definition while it is compiled (compile-job.ts): every state is
 * serialized once, as it is made, and its JSON length added up the way JSON.stringify writes
 * the definition (`{"key":value,...}`, a Parallel's `"Branches":[...]` holding its branches'
 * lengths), which gives what measureWholeDefinition (split-job.ts) measures on the built
 * definition: its length and each state's. The states are kept only while they add up to at
 * most `limit` characters: past it the definition is too large for one machine and the job is
 * split, so they are dropped (they would otherwise stay alive, to no use, while the split is
 * compiled) and the definition is never put together.
 */
export class WholeMeasure {
  /** Each state's `"name":` and JSON (a Parallel's without its branches), by name (split-job.ts opCharacters). */
  readonly sizes = new Map<string, number>();
  /** The JSON length of each States object a sink made (finish), until its Parallel is measured (a Map, not a WeakMap: ephemerons slow every scavenge). */
  private readonly lengths = new Map<object, number>();
  /** The sinks being filled, innermost last (they are filled and finished one within another). */
  private readonly open: MeasuringSink[] = [];
  /** The characters measured so far, a lower bound of the definition's: each state's JSON is part of it once. */
  private measured = 0;
  /** True once `measured` is over the limit: the states are dropped. */
  dropped = false;

  constructor(private readonly limit: number) {}

  /** A sink for the states of one States object (the top level's or a branch's). */
  createSink(): MeasuringSink {
    const sink = new MeasuringSink(this);
    this.open.push(sink);
    return sink;
  }

  /**
   * The States object of `sink`'s states (never modified afterwards), or, once the states are
   * dropped, an empty object standing for it; its JSON length is recorded either way.
   */
  finish(sink: MeasuringSink): Record<string, AslState> {
    if (this.open.pop() !== sink) throw new InternalError('compiler: measuring sinks finished out of order');
    const states = this.dropped ? {} : sink.buildStates();
    this.lengths.set(states, sink.statesCharacters());
    return states;
  }

  /** JSON.stringify(states).length of a States object finish returned, asked for once (its Parallel's measure). */
  private takeStatesCharacters(states: object): number {
    const length = this.lengths.get(states);
    if (length === undefined) throw new InternalError('compiler: a States object that no measuring sink made');
    this.lengths.delete(states);
    return length;
  }

  /**
   * Records state `name` whose key takes `key` characters and whose own JSON `own` (a
   * Parallel's without its branches, whose states are recorded apart); drops the kept states
   * once past the limit.
   */
  add(name: string, key: number, own: number): void {
    this.sizes.set(name, key + 2 + own);
    this.measured += key + 1 + own;
    if (!this.dropped && this.measured > this.limit) {
      this.dropped = true;
      for (const sink of this.open) sink.entries.length = 0;
    }
  }

  /** The JSON length of `state` (a Parallel's with its branches, which sinks of this measure made). */
  measureState(state: AslState): { own: number; whole: number } {
    if (state.Type !== 'Parallel') {
      const own = JSON.stringify(state).length;
      return { own, whole: own };
    }
    const own = JSON.stringify({ ...state, Branches: [] }).length;
    let whole = own;
    state.Branches.forEach((branch, i) => (whole += this.measureBranch(branch) + (i > 0 ? 1 : 0)));
    return { own, whole };
  }

  private measureBranch(branch: AslBranch): number {
    return JSON.stringify({ ...branch, States: {} }).length - 2 + this.takeStatesCharacters(branch.States);
  }
}

/** Where the compiler puts the states of one States object: an array, or a measuring sink. */
export interface StateSink {
  push(...entries: [string, AslState][]): unknown;
}

/** The states of one States object, measured as they come, and kept until the measure drops them. */
export class MeasuringSink implements StateSink {
  /** The states kept (none once dropped). */
  readonly entries: [string, AslState][] = [];
  /** Sum of the states' `"name":value` lengths. */
  characters = 0;
  /** How many states came. */
  count = 0;

  constructor(private readonly measure: WholeMeasure) {}

  push(...entries: [string, AslState][]): void {
    for (const entry of entries) {
      const [name, state] = entry;
      const { own, whole } = this.measure.measureState(state);
      const key = JSON.stringify(name).length;
      this.characters += key + 1 + whole;
      this.count += 1;
      if (!this.measure.dropped) this.entries.push(entry);
      this.measure.add(name, key, own);
    }
  }

  /** JSON.stringify of the States object of these states: `{` entries, commas, `}`. */
  statesCharacters(): number {
    return 2 + this.characters + Math.max(0, this.count - 1);
  }

  buildStates(): Record<string, AslState> {
    const states: Record<string, AslState> = {};
    for (const [name, state] of this.entries) {
      if (name === '__proto__') Object.defineProperty(states, name, { value: state, writable: true, enumerable: true, configurable: true });
      else states[name] = state;
    }
    return states;
  }
}
