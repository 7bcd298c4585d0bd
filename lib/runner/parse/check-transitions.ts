/** Checks of a parsed States object: every transition names a state, every state is reachable. */
import type { StateNode } from './definition.js';
import { InvalidDefinitionError } from '../errors.js';

export function checkTransitions(node: StateNode, names: ReadonlyMap<string, unknown>): void {
  checkTarget(node, names, node.next, 'Next');
  if (node.type === 'Choice') {
    for (let i = 0; i < node.choices.length; i += 1) checkTarget(node, names, node.choices[i]!.next, `Choices[${i}].Next`);
    checkTarget(node, names, node.default, 'Default');
  }
  if (node.type === 'Task' || node.type === 'Parallel' || node.type === 'Map') {
    for (let i = 0; i < node.catch.length; i += 1) checkTarget(node, names, node.catch[i]!.next, `Catch[${i}].Next`);
  }
}

/** `names`: the states of the same States object, by name. */
function checkTarget(node: StateNode, names: ReadonlyMap<string, unknown>, target: string | undefined, field: string): void {
  if (target !== undefined && !names.has(target)) {
    throw new InvalidDefinitionError(
      `state "${node.name}": ${field} "${target}" names no state in the same States object; use one of ${[...names.keys()].map((n) => `"${n}"`).join(', ')}`,
    );
  }
}

export function checkReachable(startAt: string, states: ReadonlyMap<string, StateNode>): void {
  const seen = new Set<string>([startAt]);
  const queue = [startAt];
  while (queue.length > 0) {
    const node = states.get(queue.pop()!)!;
    visitTarget(node.next, seen, queue);
    if (node.type === 'Choice') {
      for (const rule of node.choices) visitTarget(rule.next, seen, queue);
      visitTarget(node.default, seen, queue);
    }
    if (node.type === 'Task' || node.type === 'Parallel' || node.type === 'Map') for (const catcher of node.catch) visitTarget(catcher.next, seen, queue);
  }
  for (const name of states.keys()) {
    if (!seen.has(name)) throw new InvalidDefinitionError(`state "${name}": is not reachable from StartAt "${startAt}"; remove it or add a transition to it`);
  }
}

function visitTarget(target: string | undefined, seen: Set<string>, queue: string[]): void {
  if (target !== undefined && !seen.has(target)) {
    seen.add(target);
    queue.push(target);
  }
}
