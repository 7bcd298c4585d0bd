/** Checks of a parsed States object: every transition names a state, every state is reachable. */
import type { StateNode } from './definition.js';
import { InvalidDefinitionError } from '../errors.js';

export function checkTransitions(node: StateNode, names: ReadonlySet<string>): void {
  const where = `state "${node.name}"`;
  const check = (target: string | undefined, field: string): void => {
    if (target !== undefined && !names.has(target)) {
      throw new InvalidDefinitionError(`${where}: ${field} "${target}" names no state in the same States object; use one of ${[...names].map((n) => `"${n}"`).join(', ')}`);
    }
  };
  check(node.next, 'Next');
  if (node.type === 'Choice') {
    node.choices.forEach((rule, i) => check(rule.next, `Choices[${i}].Next`));
    check(node.default, 'Default');
  }
  if (node.type === 'Task' || node.type === 'Parallel' || node.type === 'Map') {
    node.catch.forEach((catcher, i) => check(catcher.next, `Catch[${i}].Next`));
  }
}

export function checkReachable(startAt: string, states: ReadonlyMap<string, StateNode>): void {
  const seen = new Set<string>([startAt]);
  const queue = [startAt];
  while (queue.length > 0) {
    const node = states.get(queue.pop()!)!;
    const targets: string[] = [];
    if (node.next !== undefined) targets.push(node.next);
    if (node.type === 'Choice') {
      targets.push(...node.choices.map((c) => c.next));
      if (node.default !== undefined) targets.push(node.default);
    }
    if (node.type === 'Task' || node.type === 'Parallel' || node.type === 'Map') targets.push(...node.catch.map((c) => c.next));
    for (const t of targets) {
      if (!seen.has(t)) {
        seen.add(t);
        queue.push(t);
      }
    }
  }
  for (const name of states.keys()) {
    if (!seen.has(name)) throw new InvalidDefinitionError(`state "${name}": is not reachable from StartAt "${startAt}"; remove it or add a transition to it`);
  }
}
