/**
 * The jsonata functions a compiled expression calls without the engine, each as jsonata 2.x
 * implements it after its signature check, for the arguments where that check passes
 * unchanged. Any other call (another function, another number of arguments, an argument of
 * another type, a function as an argument) falls back to the engine.
 */
import { appendValues, createSequence, describeType, dropPrototype, fallBack, isFunction, lookupField, setObjectEntry, toBoolean } from './jsonata-rules.js';

type CompiledFunction = (args: readonly unknown[]) => unknown;

function isObjectValue(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !isFunction(value);
}

function arity(args: readonly unknown[], count: number): void {
  if (args.length !== count) fallBack();
  for (const arg of args) if (isFunction(arg)) fallBack();
}

/** fn.keys on one object, or on an array of them (the union of their keys, in first-seen order). */
function listKeys(value: unknown): unknown[] {
  const result = createSequence();
  if (Array.isArray(value)) {
    const merged = Object.create(null) as Record<string, boolean>;
    for (const item of value) for (const key of listKeys(item)) merged[key as string] = true;
    return listKeys(merged);
  }
  if (value !== null && typeof value === 'object' && !isFunction(value)) for (const key of Object.keys(value)) result.push(key);
  return result;
}

const FUNCTIONS: Readonly<Record<string, CompiledFunction>> = {
  exists: (args) => {
    arity(args, 1);
    return args[0] !== undefined;
  },
  count: (args) => {
    arity(args, 1);
    const [value] = args;
    if (value === undefined) return 0;
    return Array.isArray(value) ? value.length : 1;
  },
  sum: (args) => {
    arity(args, 1);
    const [value] = args;
    if (value === undefined) return undefined;
    const numbers = Array.isArray(value) ? value : [value];
    let total = 0;
    for (const item of numbers) {
      if (typeof item !== 'number') fallBack();
      total += item;
    }
    return total;
  },
  append: (args) => {
    arity(args, 2);
    return appendValues(args[0], args[1]);
  },
  keys: (args) => {
    arity(args, 1);
    if (args[0] === undefined) fallBack();
    return listKeys(args[0]);
  },
  lookup: (args) => {
    arity(args, 2);
    const [input, key] = args;
    if (input === undefined || typeof key !== 'string') fallBack();
    return lookupField(input, key);
  },
  merge: (args) => {
    arity(args, 1);
    const [value] = args;
    if (value === undefined) return undefined;
    const objects = Array.isArray(value) ? value : [value];
    const result: Record<string, unknown> = {};
    for (const item of objects) {
      if (!isObjectValue(item)) fallBack();
      for (const key of Object.keys(item)) setObjectEntry(result, key, item[key]);
    }
    return dropPrototype(result);
  },
  substring: (args) => {
    if (args.length !== 2 && args.length !== 3) fallBack();
    const [text, start, length] = args;
    if (typeof text !== 'string' || typeof start !== 'number' || !Number.isFinite(start)) fallBack();
    if (args.length === 3 && (typeof length !== 'number' || !Number.isFinite(length))) fallBack();
    const characters = Array.from(text);
    let from = start;
    if (characters.length + from < 0) from = 0;
    if (length !== undefined) {
      if ((length as number) <= 0) return '';
      const end = from >= 0 ? from + (length as number) : characters.length + from + (length as number);
      return characters.slice(from, end).join('');
    }
    return characters.slice(from).join('');
  },
  not: (args) => {
    arity(args, 1);
    if (args[0] === undefined) fallBack();
    return !toBoolean(args[0]);
  },
  boolean: (args) => {
    arity(args, 1);
    if (args[0] === undefined) fallBack();
    return toBoolean(args[0]);
  },
  type: (args) => {
    arity(args, 1);
    return describeType(args[0]);
  },
};

/** The compiled implementation of jsonata's function `name`, or undefined when calls to it are left to the engine. */
export function findCompiledFunction(name: string): CompiledFunction | undefined {
  return Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}
