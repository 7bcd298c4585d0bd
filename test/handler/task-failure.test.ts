import { describe, expect, it } from 'vitest';
import { formatRuntimeError, toStepFunctionsError } from '../../lib/handler/task-failure.js';

class NamelessError extends Error {}

describe('toStepFunctionsError: as the Lambda Node.js runtime reports a thrown value', () => {
  it('an Error: errorType = name, errorMessage = message, trace = stack lines, in that key order', () => {
    const error = new TypeError('bad');
    const { Error: name, Cause } = toStepFunctionsError(error);
    expect(name).toBe('TypeError');
    expect(Cause).toBe(JSON.stringify({ errorType: 'TypeError', errorMessage: 'bad', trace: error.stack!.split('\n') }));
    expect(Object.keys(JSON.parse(Cause) as object)).toStrictEqual(['errorType', 'errorMessage', 'trace']);
  });

  it.each<{ label: string; thrown: unknown; errorType: string; errorMessage: string }>([
    { label: 'a subclass that does not set name', thrown: new NamelessError('x'), errorType: 'Error', errorMessage: 'x' },
    { label: 'a string', thrown: 'boom', errorType: 'string', errorMessage: 'boom' },
    { label: 'an object', thrown: { a: 1 }, errorType: 'object', errorMessage: '[object Object]' },
    { label: 'undefined', thrown: undefined, errorType: 'undefined', errorMessage: 'undefined' },
    { label: 'null', thrown: null, errorType: 'object', errorMessage: 'null' },
    { label: 'a number', thrown: 7, errorType: 'number', errorMessage: '7' },
    { label: 'an error-shaped object', thrown: { name: 'Remote', message: 'm', stack: 'Remote: m\n at x' }, errorType: 'Remote', errorMessage: 'm' },
  ])('$label', ({ thrown, errorType, errorMessage }) => {
    const report = formatRuntimeError(thrown);
    expect(report).toMatchObject({ errorType, errorMessage });
    expect(toStepFunctionsError(thrown).Error).toBe(errorType);
  });

  it('writes DEL as %7F, as the runtime does', () => {
    const error = Object.assign(new Error('a\x7Fb'), { name: 'N\x7F', stack: 's\x7F' });
    expect(formatRuntimeError(error)).toStrictEqual({ errorType: 'N%7F', errorMessage: 'a%7Fb', trace: ['s%7F'] });
  });
});
