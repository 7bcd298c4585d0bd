import { MAX_ATTEMPTS, MAX_DELAY_SECONDS, MAX_STATE_NAME_LENGTH } from './asl-constants.js';
import { MAX_STATES_SECONDS } from '../errors.js';
import type { AslBranch, AslCatcher, AslDefinition, AslRetrier, AslState } from './asl-types.js';

/** One broken Step Functions rule: where (a JSON-pointer-like path) and what. */
export interface DefinitionProblem {
  readonly path: string;
  readonly message: string;
}

const MAX_ERROR_NAME_LENGTH = 256;

/**
 * Checks the Step Functions rules that asl-validator does not: retrier and catcher ranges and
 * States.ALL placement, JitterStrategy values, state names (at most 80 characters, unique in
 * the whole definition), every StartAt / Next / Default target existing in its own States,
 * no unreachable state, Next xor End. Returns every problem found; [] when the definition passes.
 */
export function checkDefinition(definition: AslDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  if (definition.QueryLanguage !== 'JSONata') problems.push({ path: '/QueryLanguage', message: 'must be "JSONata"' });
  const seen = new Map<string, string>();
  checkBranch(definition, '', seen, problems);
  return problems;
}

function checkBranch(branch: AslBranch, path: string, seen: Map<string, string>, problems: DefinitionProblem[]): void {
  const states = branch.States ?? {};
  const names = Object.keys(states);
  if (names.length === 0) problems.push({ path: `${path}/States`, message: 'has no state' });
  if (!(branch.StartAt in states)) problems.push({ path: `${path}/StartAt`, message: `names "${branch.StartAt}", which is not a state of these States` });
  for (const name of names) {
    const at = `${path}/States/${name}`;
    if (name.length === 0 || name.length > MAX_STATE_NAME_LENGTH) {
      problems.push({ path: at, message: `state name is ${name.length} characters; Step Functions allows 1 to ${MAX_STATE_NAME_LENGTH}` });
    }
    const previous = seen.get(name);
    if (previous !== undefined) problems.push({ path: at, message: `state name "${name}" is also used at ${previous}; names must be unique in the whole definition` });
    else seen.set(name, at);
    checkState(states[name]!, at, states, seen, problems);
  }
  for (const name of findUnreachable(branch)) problems.push({ path: `${path}/States/${name}`, message: `state "${name}" cannot be reached from StartAt` });
}

function checkState(state: AslState, at: string, states: AslBranch['States'], seen: Map<string, string>, problems: DefinitionProblem[]): void {
  const target = (field: string, next: string | undefined): void => {
    if (next !== undefined && !(next in states)) problems.push({ path: `${at}/${field}`, message: `names "${next}", which is not a state of the same States` });
  };
  switch (state.Type) {
    case 'Task':
    case 'Parallel':
    case 'Pass':
    case 'Wait':
      if ((state.Next === undefined) === (state.End !== true)) problems.push({ path: at, message: 'needs exactly one of Next and End: true' });
      target('Next', state.Next);
      break;
    case 'Choice':
      if (state.Choices.length === 0) problems.push({ path: `${at}/Choices`, message: 'needs at least one rule' });
      state.Choices.forEach((rule, i) => target(`Choices/${i}/Next`, rule.Next));
      target('Default', state.Default);
      break;
    default:
      break;
  }
  if (state.Type === 'Task' || state.Type === 'Parallel') {
    checkRetriers(state.Retry ?? [], `${at}/Retry`, problems);
    checkCatchers(state.Catch ?? [], `${at}/Catch`, problems);
    (state.Catch ?? []).forEach((catcher, i) => target(`Catch/${i}/Next`, catcher.Next));
  }
  if (state.Type === 'Parallel') state.Branches.forEach((branch, i) => checkBranch(branch, `${at}/Branches/${i}`, seen, problems));
  if (state.Type === 'Wait' && typeof state.Seconds === 'number') {
    if (!Number.isInteger(state.Seconds) || state.Seconds < 0 || state.Seconds > MAX_STATES_SECONDS) {
      problems.push({ path: `${at}/Seconds`, message: `must be an integer 0..${MAX_STATES_SECONDS} or a JSONata expression, got ${state.Seconds}` });
    }
  }
}

function checkErrorEquals(errors: readonly string[], at: string, last: boolean, problems: DefinitionProblem[]): void {
  if (errors.length === 0) problems.push({ path: at, message: 'ErrorEquals must name at least one error' });
  if (errors.includes('States.ALL')) {
    if (errors.length > 1) problems.push({ path: at, message: 'States.ALL must appear alone in its ErrorEquals' });
    if (!last) problems.push({ path: at, message: 'States.ALL must be in the last retrier or catcher' });
  }
  for (const error of errors) {
    if (error.length === 0 || error.length > MAX_ERROR_NAME_LENGTH) problems.push({ path: at, message: `error name "${error}" must be 1 to ${MAX_ERROR_NAME_LENGTH} characters` });
  }
}

function checkRetriers(retriers: readonly AslRetrier[], at: string, problems: DefinitionProblem[]): void {
  retriers.forEach((retrier, i) => {
    const here = `${at}/${i}`;
    checkErrorEquals(retrier.ErrorEquals, `${here}/ErrorEquals`, i === retriers.length - 1, problems);
    checkInteger(retrier.IntervalSeconds, 1, MAX_STATES_SECONDS, `${here}/IntervalSeconds`, problems);
    checkInteger(retrier.MaxAttempts, 0, MAX_ATTEMPTS, `${here}/MaxAttempts`, problems);
    checkInteger(retrier.MaxDelaySeconds, 1, MAX_DELAY_SECONDS, `${here}/MaxDelaySeconds`, problems);
    if (retrier.BackoffRate !== undefined && (typeof retrier.BackoffRate !== 'number' || !Number.isFinite(retrier.BackoffRate) || retrier.BackoffRate < 1)) {
      problems.push({ path: `${here}/BackoffRate`, message: `must be a number >= 1.0, got ${String(retrier.BackoffRate)}` });
    }
    if (retrier.JitterStrategy !== undefined && retrier.JitterStrategy !== 'FULL' && retrier.JitterStrategy !== 'NONE') {
      problems.push({ path: `${here}/JitterStrategy`, message: `must be FULL or NONE, got ${String(retrier.JitterStrategy)}` });
    }
  });
}

function checkCatchers(catchers: readonly AslCatcher[], at: string, problems: DefinitionProblem[]): void {
  catchers.forEach((catcher, i) => checkErrorEquals(catcher.ErrorEquals, `${at}/${i}/ErrorEquals`, i === catchers.length - 1, problems));
}

function checkInteger(value: number | undefined, min: number, max: number, at: string, problems: DefinitionProblem[]): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.push({ path: at, message: `must be an integer ${min}..${max}, got ${String(value)}` });
  }
}

function findUnreachable(branch: AslBranch): string[] {
  const states = branch.States ?? {};
  const reached = new Set<string>();
  const stack = branch.StartAt in states ? [branch.StartAt] : [];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    const state = states[name]!;
    const targets: (string | undefined)[] = [];
    if ('Next' in state) targets.push(state.Next);
    if (state.Type === 'Choice') targets.push(...state.Choices.map((rule) => rule.Next), state.Default);
    if (state.Type === 'Task' || state.Type === 'Parallel') targets.push(...(state.Catch ?? []).map((catcher) => catcher.Next));
    for (const t of targets) if (t !== undefined && t in states && !reached.has(t)) stack.push(t);
  }
  return Object.keys(states).filter((name) => !reached.has(name));
}
