/**
 * The compiler's Task payload shape, `$merge([$p,{'op':'name','retryNumber':$sum([...]),
 * 'inputs':[$v3,$v7_1],'config':$ops.`name`.config}])`, evaluated without the jsonata engine
 * and without parsing it with it: a small grammar of string literals, `$name` with field steps,
 * array and object constructors, `$merge` and `$sum`, nothing else (no spaces, numbers, escapes,
 * operators, index steps) between the whitespace jsonata skips around the expression (the
 * compiler writes `{% $merge(...) %}`). Within that grammar every evaluation follows jsonata's own rules
 * (array constructors append one level and drop undefined items; object constructors drop
 * undefined values and build prototype-less objects; `$merge` copies own keys in order;
 * `$sum` adds numbers from 0); wherever a rule of jsonata's would need more (an array along a
 * path, a JSONata sequence, an inherited property, a non-number in `$sum`, a non-object in
 * `$merge`, `merge`/`sum` bound as a variable or a Step Functions function, an unbound variable), it answers
 * FALL_BACK and the caller evaluates the source with jsonata. test/runner/fast-expression.test.ts
 * holds the two to the same results on random values.
 */
import { FALL_BACK } from './fast-path.js';
import { dropPrototype, setObjectEntry } from './jsonata-rules.js';

export type FastNode =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'path'; readonly variable: string; readonly fields: readonly string[] }
  | { readonly kind: 'array'; readonly items: readonly FastNode[] }
  | { readonly kind: 'object'; readonly pairs: readonly (readonly [string, FastNode])[] }
  | { readonly kind: 'call'; readonly name: 'merge' | 'sum'; readonly argument: FastNode & { readonly kind: 'array' } };

/** What an evaluation sees: `$states`, the workflow variables, the Step Functions functions (names only). */
export interface FastScope {
  readonly states: unknown;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly functions: object;
}

const KEYWORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

/** What jsonata's tokenizer skips between tokens (` \t\n\r\v`; no more: JavaScript's trim() also drops characters jsonata rejects). */
function isJsonataSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 11) || code === 13;
}

/**
 * The expression tree of a source in the grammar above (a call at the top), or undefined for
 * any other source. One pass over the characters, no regular expression per token (every
 * distinct payload of a run is read once, on the run's first parse of it); a source that does
 * not start with `$merge(` or `$sum(` is turned down before any copy of it is made.
 */
export function readFastExpression(text: string): FastNode | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && isJsonataSpace(text.charCodeAt(start))) start += 1;
  if (!text.startsWith('$merge(', start) && !text.startsWith('$sum(', start)) return undefined;
  while (end > start && isJsonataSpace(text.charCodeAt(end - 1))) end -= 1;
  const source = text.slice(start, end);
  const reader: Reader = { source, at: 0, plain: !source.includes('\\') };
  const node = readNode(reader);
  return node !== undefined && reader.at === source.length ? node : undefined;
}

interface Reader {
  readonly source: string;
  at: number;
  /** No backslash in the source: a string literal ends at the next apostrophe (found with indexOf). */
  readonly plain: boolean;
}

const APOSTROPHE = 39;
const BACKSLASH = 92;
const BACKTICK = 96;

/** `[A-Za-z_]` (first) or `[A-Za-z0-9_]` (rest) of a name. */
function isNameCode(code: number, first: boolean): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || (!first && code >= 48 && code <= 57);
}

/** A name (`[A-Za-z_][A-Za-z0-9_]*`) at the reader's position, or undefined. */
function readName(reader: Reader): string | undefined {
  const { source } = reader;
  const from = reader.at;
  let at = from;
  if (!isNameCode(source.charCodeAt(at), true)) return undefined;
  at += 1;
  while (at < source.length && isNameCode(source.charCodeAt(at), false)) at += 1;
  reader.at = at;
  return source.slice(from, at);
}

/** The text between `quote`s at the reader's position (`'...'`: no apostrophe or backslash inside; `` `...` ``: at least one character), or undefined. */
function readQuoted(reader: Reader, quote: number): string | undefined {
  const { source } = reader;
  if (source.charCodeAt(reader.at) !== quote) return undefined;
  const from = reader.at + 1;
  // A backtick name has no escapes, nor has a literal in a source without backslashes: it ends at the next quote.
  if (quote === BACKTICK || reader.plain) {
    const end = source.indexOf(quote === BACKTICK ? '`' : "'", from);
    if (end === -1 || (quote === BACKTICK && end === from)) return undefined;
    reader.at = end + 1;
    return source.slice(from, end);
  }
  let at = from;
  while (at < source.length) {
    const code = source.charCodeAt(at);
    if (code === quote) {
      if (quote === BACKTICK && at === from) return undefined;
      reader.at = at + 1;
      return source.slice(from, at);
    }
    if (quote === APOSTROPHE && code === BACKSLASH) return undefined;
    at += 1;
  }
  return undefined;
}

function take(reader: Reader, char: string): boolean {
  if (reader.source[reader.at] !== char) return false;
  reader.at += 1;
  return true;
}

function readArray(reader: Reader): (FastNode & { kind: 'array' }) | undefined {
  if (!take(reader, '[')) return undefined;
  const items: FastNode[] = [];
  if (take(reader, ']')) return { kind: 'array', items };
  for (;;) {
    const item = readNode(reader);
    if (item === undefined) return undefined;
    items.push(item);
    if (take(reader, ']')) return { kind: 'array', items };
    if (!take(reader, ',')) return undefined;
  }
}

function readObject(reader: Reader): FastNode | undefined {
  if (!take(reader, '{')) return undefined;
  const pairs: [string, FastNode][] = [];
  if (take(reader, '}')) return { kind: 'object', pairs };
  for (;;) {
    const key = readQuoted(reader, APOSTROPHE);
    // Repeated keys (jsonata's D1009) and its reserved ones (D1013) are left to jsonata.
    if (key === undefined || hasKey(pairs, key) || key === '_jsonata_lambda' || key === '_jsonata_function' || !take(reader, ':')) return undefined;
    const value = readNode(reader);
    if (value === undefined) return undefined;
    pairs.push([key, value]);
    if (take(reader, '}')) return { kind: 'object', pairs };
    if (!take(reader, ',')) return undefined;
  }
}

function hasKey(pairs: readonly (readonly [string, FastNode])[], key: string): boolean {
  for (const [seen] of pairs) if (seen === key) return true;
  return false;
}

function readNode(reader: Reader): FastNode | undefined {
  const char = reader.source[reader.at];
  if (char === "'") {
    const literal = readQuoted(reader, APOSTROPHE);
    return literal === undefined ? undefined : { kind: 'string', value: literal };
  }
  if (char === '[') return readArray(reader);
  if (char === '{') return readObject(reader);
  if (char !== '$') return undefined;
  reader.at += 1;
  const name = readName(reader);
  if (name === undefined) return undefined;
  if (reader.source[reader.at] === '(') {
    if (name !== 'merge' && name !== 'sum') return undefined;
    reader.at += 1;
    const argument = readArray(reader);
    if (argument === undefined || !take(reader, ')')) return undefined;
    return { kind: 'call', name, argument };
  }
  const fields: string[] = [];
  while (take(reader, '.')) {
    const quoted = reader.source.charCodeAt(reader.at) === BACKTICK;
    const field = quoted ? readQuoted(reader, BACKTICK) : readName(reader);
    // A bare keyword after a dot is an operator or a literal to jsonata, not a field name.
    if (field === undefined || (!quoted && KEYWORDS.has(field))) return undefined;
    fields.push(field);
  }
  return { kind: 'path', variable: name, fields };
}

/** The `$names` a tree mentions (its paths' variables and the functions it calls), each once, in first-seen order. */
export function listFastReferences(node: FastNode, names: string[] = []): string[] {
  switch (node.kind) {
    case 'string':
      break;
    case 'path':
      if (!names.includes(node.variable)) names.push(node.variable);
      break;
    case 'array':
      for (const item of node.items) listFastReferences(item, names);
      break;
    case 'object':
      for (const [, value] of node.pairs) listFastReferences(value, names);
      break;
    case 'call':
      if (!names.includes(node.name)) names.push(node.name);
      listFastReferences(node.argument, names);
      break;
  }
  return names;
}

/** Evaluates a tree: its value, undefined where jsonata gives nothing, or FALL_BACK. */
export function evaluateFastExpression(node: FastNode, scope: FastScope): unknown {
  return evaluateNode(node, scope);
}

function evaluateNode(node: FastNode, scope: FastScope): unknown {
  switch (node.kind) {
    case 'string':
      return node.value;
    case 'path':
      return evaluatePath(node.variable, node.fields, scope);
    case 'array': {
      const result: unknown[] = [];
      for (const item of node.items) {
        const value = evaluateNode(item, scope);
        if (value === FALL_BACK) return FALL_BACK;
        if (value === undefined) continue;
        if (item.kind === 'array') result.push(value);
        else if (Array.isArray(value)) {
          if (isSequence(value)) return FALL_BACK;
          appendItems(result, value);
        } else result.push(value);
      }
      return result;
    }
    case 'object': {
      const result: Record<string, unknown> = {};
      return addPairs(node.pairs, scope, result) ? dropPrototype(result) : FALL_BACK;
    }
    case 'call': {
      if (node.name in scope.variables || Object.hasOwn(scope.functions, node.name)) return FALL_BACK;
      if (node.name === 'merge') return evaluateMerge(node.argument.items, scope);
      const values = evaluateNode(node.argument, scope);
      if (values === FALL_BACK) return FALL_BACK;
      let total = 0;
      for (const value of values as unknown[]) {
        if (typeof value !== 'number' || !Number.isFinite(value)) return FALL_BACK;
        total += value;
      }
      return total;
    }
  }
}

/** What `result.concat(items)` would hold, in `result` itself (no new array per item): holes stay holes. */
function appendItems(result: unknown[], items: readonly unknown[]): void {
  for (let i = 0; i < items.length; i += 1) {
    if (i in items) result.push(items[i]);
    else result.length += 1;
  }
}

/** An object constructor's pairs into `result`, undefined values dropped; false for FALL_BACK. */
function addPairs(pairs: readonly (readonly [string, FastNode])[], scope: FastScope, result: Record<string, unknown>): boolean {
  for (const [key, valueNode] of pairs) {
    const value = evaluateNode(valueNode, scope);
    if (value === FALL_BACK) return false;
    if (value !== undefined) setObjectEntry(result, key, value);
  }
  return true;
}

/**
 * `$merge([...])`: the own keys of each object the array constructor gives, in order, into one
 * object. An object constructor among the items writes its pairs straight into the result (what
 * copying its object would write, in the same order, without building it).
 */
function evaluateMerge(items: readonly FastNode[], scope: FastScope): unknown {
  const result: Record<string, unknown> = {};
  for (const item of items) {
    if (item.kind === 'object') {
      if (!addPairs(item.pairs, scope, result)) return FALL_BACK;
      continue;
    }
    const value = evaluateNode(item, scope);
    if (value === FALL_BACK) return FALL_BACK;
    if (value === undefined) continue;
    // An array constructor item is one value (an array: not an object); another array's items are merged one by one.
    if (item.kind !== 'array' && Array.isArray(value)) {
      if (isSequence(value)) return FALL_BACK;
      for (const element of value) if (!copyEntries(element, result)) return FALL_BACK;
    } else if (!copyEntries(value, result)) return FALL_BACK;
  }
  return dropPrototype(result);
}

/** The own keys of a plain object into `result`; false for any other value. */
function copyEntries(value: unknown, result: Record<string, unknown>): boolean {
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) setObjectEntry(result, key, value[key]);
  return true;
}

function evaluatePath(variable: string, fields: readonly string[], scope: FastScope): unknown {
  if (variable === 'states') {
    return readFieldPath(scope.states, fields);
  }
  const current = scope.variables[variable];
  // An unbound name may be one of jsonata's own functions ($sum, $string, ...): left to jsonata.
  if ((current === undefined && !(variable in scope.variables)) || Object.hasOwn(scope.functions, variable)) return FALL_BACK;
  return readFieldPath(current, fields);
}

/**
 * The value of field steps over a variable's value (`$v.a.b` once `$v` is read), as jsonata
 * gives it, or FALL_BACK where only jsonata can tell (an array being mapped, a sequence, a
 * function, an inherited property, anything but a plain object before a field).
 */
export function readFieldPath(value: unknown, fields: readonly string[]): unknown {
  let current = value;
  if (typeof current === 'function' || isSequence(current)) return FALL_BACK;
  const last = fields.length - 1;
  for (let i = 0; i <= last; i += 1) {
    if (current === undefined) return undefined;
    if (!isPlainObject(current)) return FALL_BACK;
    const field = fields[i]!;
    if (Object.hasOwn(current, field)) current = current[field];
    else if (field in current) return FALL_BACK;
    else return undefined;
    if (typeof current === 'function') return FALL_BACK;
    // An array at the last field is jsonata's result as it is (the very array); before it, the next field would map over it.
    if (Array.isArray(current) && (i < last || isSequence(current))) return FALL_BACK;
  }
  return current;
}

/** A non-null, non-array object whose prototype is Object.prototype or null (JSON data). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function isSequence(value: unknown): boolean {
  return Array.isArray(value) && (value as { sequence?: unknown }).sequence === true;
}
