import { describeValue } from '../errors.js';
import { InvalidExecutionNameError } from './errors.js';

/** Step Functions' longest execution name (the quotas page: names of state machines, executions and activities). */
const MAX_EXECUTION_NAME_LENGTH = 80;
/** The characters a name may not hold besides whitespace and control characters (the same page). */
const FORBIDDEN_NAME_CHARACTERS = '<>{}[]?*"#%\\^|~`$&,;:/';

/** The rule as the errors say it. */
const NAME_RULE = `1 to ${MAX_EXECUTION_NAME_LENGTH} characters, without whitespace, < > { } [ ], ? *, " # % \\ ^ | ~ \` $ & , ; : / or control characters`;

/** The index of the first character an execution name may not hold: whitespace, a FORBIDDEN_NAME_CHARACTERS one, U+0000-U+001F or U+007F-U+009F; -1 if none. */
function findForbiddenNameCharacter(name: string): number {
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f) || /\s/u.test(name[index]!) || FORBIDDEN_NAME_CHARACTERS.includes(name[index]!)) return index;
  }
  return -1;
}

/** options.executionName as StartExecution takes it, or InvalidExecutionNameError (it would refuse it with InvalidName). */
export function readExecutionName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_EXECUTION_NAME_LENGTH) {
    throw new InvalidExecutionNameError(
      `options.executionName (runStateMachine, runJobLocally) must be a string of ${NAME_RULE}, got ${describeValue(name)}; StartExecution would refuse it (InvalidName)`,
    );
  }
  const index = findForbiddenNameCharacter(name);
  if (index >= 0) {
    const fixed = Array.from(name, (character) => (findForbiddenNameCharacter(character) === 0 ? '-' : character)).join('');
    throw new InvalidExecutionNameError(
      `options.executionName (runStateMachine, runJobLocally) ${JSON.stringify(name)} has ${JSON.stringify(name[index])} at index ${index}: an execution name is ${NAME_RULE}, or StartExecution refuses it (InvalidName); use e.g. ${JSON.stringify(fixed)}`,
    );
  }
  return name;
}
