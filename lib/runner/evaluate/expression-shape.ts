/**
 * The shape of an expression: its source with what varies from op to op taken out as variables,
 * so that the jsonata engine parses each shape once instead of each source once. The compiler
 * writes one expression per op that differs only in the op's name or in the names of the
 * variables it reads (`$states.errorOutput.{'o':'failed','op':'op37',...}`,
 * `($e:=$v148[0];...)`, `$append([],[$v652_3,$v70_4][o])`): thousands of sources, a few dozen
 * shapes. A shape is evaluated with the taken-out parts bound as variables, which jsonata
 * evaluates exactly as the parts themselves:
 * - a string literal in value position (after `:`, before `,` or `}`: an object constructor's
 *   value or a condition's else branch) becomes a variable bound to the same string;
 * - a variable reference `$v148` (a name with a digit, not one of jsonata's functions, never
 *   assigned, called or declared in the source) becomes another variable bound to the same value,
 *   or left unbound when the original is unbound (both give nothing);
 * - such a variable with field steps, `$r8.v930`, standing alone (not itself a step of a longer
 *   path, and followed by `)`, `]`, `}`, `,`, `;` or the end: nothing that would apply to its last
 *   step) becomes a variable bound to the path's value, read as jsonata reads it
 *   (fast-expression.ts readFieldPath); where only jsonata can tell what the path gives (an
 *   array being mapped, a sequence, an inherited property), bindShapeSlots says so and the
 *   caller evaluates the source as it is.
 * Anything that could make the two differ is not shaped at all (the source is parsed as it is):
 * double quotes, escapes, backticks, regular expressions or division (`/`), comments,
 * `function`, `~>`, `@` and `#` bindings, or the reserved prefix itself.
 * test/runner/expression-shape.test.ts holds shaped and unshaped evaluations to the same results
 * and the same errors.
 */

import { readFieldPath } from './fast-expression.js';
import { FALL_BACK } from './fast-path.js';

/** One part taken out of a source, in the order of its slot variable. */
export type ShapeSlot =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'path'; readonly name: string; readonly fields: readonly string[] };

export interface ExpressionShape {
  /** The source with slot variables in place of the parts taken out. */
  readonly source: string;
  /** Slot i is bound as `SLOT_PREFIX + i`. */
  readonly slots: readonly ShapeSlot[];
}

/** The slot variables' prefix: `$__stepops0`, `$__stepops1`... (a source that mentions it is not shaped). */
export const SLOT_PREFIX = '__stepops';

/** jsonata 2.x's own functions (its static frame, plus `now` and `millis` bound per evaluation): never renamed. */
export const JSONATA_FUNCTION_NAMES: ReadonlySet<string> = new Set(
  (
    'sum count max min average string substring substringBefore substringAfter lowercase uppercase length trim pad match contains replace split join ' +
    'formatNumber formatBase formatInteger parseInteger number floor ceil round abs sqrt power random boolean not map zip filter single reduce sift keys ' +
    'lookup append exists spread merge reverse each error assert type sort shuffle distinct base64encode base64decode encodeUrlComponent encodeUrl ' +
    'decodeUrlComponent decodeUrl eval toMillis fromMillis clone now millis'
  ).split(' '),
);

const UNSHAPED = /["\\`/@#~]|function|__stepops/;
/** The characters that end a name in jsonata's tokenizer: its single-character operators and the whitespace it skips. */
const NAME_ENDS = new Set('.[]{}(),@#;:?+-*/%|=<>^&!~ \t\n\r\v');
const KEPT_NAME = /\$([A-Za-z0-9_]+)[ \t\n\r\v]*(?::=|\()/g;
const SPACE = new Set(' \t\n\r\v');
/** One field step: a dot and a name that is no keyword (jsonata reads `.and`, `.in`, `.true` otherwise). */
const FIELD_STEP = /\.([A-Za-z_][A-Za-z0-9_]*)/y;
const KEYWORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);
/** What may follow a path slot: nothing that applies to the path's last step (a predicate, a step, a call, a group). */
const PATH_FOLLOWERS = new Set(')]},;');
const IDENTIFIER = /^[A-Za-z_]\w*$/;
const DIGIT = /\d/;

/** `$__stepops0`, `$__stepops1`...: each slot variable's text, written once. */
const slotNames: string[] = [];
function slotName(index: number): string {
  return (slotNames[index] ??= `$${SLOT_PREFIX}${index}`);
}

/** `__stepops0`, `__stepops1`...: each slot's binding name, written once (not a new string per evaluation). */
const bindingNames: string[] = [];
function bindingName(index: number): string {
  return (bindingNames[index] ??= `${SLOT_PREFIX}${index}`);
}

/**
 * The shape of a source, or undefined when it has nothing to take out or could evaluate
 * differently once shaped. `functionNames`: names bound as functions besides jsonata's own
 * (the Step Functions functions), never renamed.
 */
export function readExpressionShape(text: string, functionNames: ReadonlySet<string>): ExpressionShape | undefined {
  const source = trimJsonataSpace(text);
  if (UNSHAPED.test(source)) return undefined;
  // Assigned or called anywhere in the source (jsonata skips whitespace between the name and `:=` or `(`): not renamed anywhere (listed on the first name that could be).
  let kept: ReadonlySet<string> | undefined;
  const slots: ShapeSlot[] = [];
  const variableSlots = new Map<string, number>();
  let shaped = '';
  let at = 0;
  // The next apostrophe and dollar at or after `at` (-1: none), found once each.
  let nextQuote = source.indexOf("'");
  let nextDollar = source.indexOf('$');
  while (at < source.length) {
    const code = source.charCodeAt(at);
    if (code === APOSTROPHE) {
      const end = source.indexOf("'", at + 1);
      if (end === -1) return undefined; // unterminated: jsonata's own error, from the source as it is
      const after = source[skipSpace(source, end + 1, 1)];
      if (source[skipSpace(source, at - 1, -1)] === ':' && (after === ',' || after === '}')) {
        shaped += slotName(slots.length);
        slots.push({ kind: 'literal', value: source.slice(at + 1, end) });
      } else shaped += source.slice(at, end + 1);
      at = end + 1;
      nextQuote = source.indexOf("'", at);
      if (nextDollar !== -1 && nextDollar < at) nextDollar = source.indexOf('$', at); // a `$` inside the literal
    } else if (code === DOLLAR) {
      const nameEnd = skipNameCodes(source, at + 1);
      const name = source.slice(at + 1, nameEnd);
      at = nameEnd;
      nextDollar = source.indexOf('$', at);
      // jsonata's name runs on to the next operator character: `$v1é` is the variable `v1é`.
      if (isRenamable(name, functionNames) && (at === source.length || NAME_ENDS.has(source[at]!)) && !(kept ??= listKeptNames(source)).has(name)) {
        const path = readPathSlot(source, at, name);
        if (path !== undefined) {
          at = path.end;
          if (nextQuote !== -1 && nextQuote < at) nextQuote = source.indexOf("'", at);
          if (nextDollar !== -1 && nextDollar < at) nextDollar = source.indexOf('$', at);
        }
        const key = path === undefined ? name : path.key;
        let index = variableSlots.get(key);
        if (index === undefined) {
          index = slots.length;
          slots.push(path === undefined ? { kind: 'variable', name } : path.slot);
          variableSlots.set(key, index);
        }
        shaped += slotName(index);
      } else shaped += `$${name}`;
    } else {
      // Up to the next literal or variable, as it stands.
      const next = nextQuote === -1 ? (nextDollar === -1 ? source.length : nextDollar) : nextDollar === -1 ? nextQuote : Math.min(nextQuote, nextDollar);
      shaped += source.slice(at, next);
      at = next;
    }
  }
  return slots.length === 0 ? undefined : { source: shaped, slots };
}

const APOSTROPHE = 39;
const DOLLAR = 36;

/** The source without the whitespace jsonata skips at either end (` \t\n\r\v`). */
function trimJsonataSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && SPACE.has(text[start]!)) start += 1;
  while (end > start && SPACE.has(text[end - 1]!)) end -= 1;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** The end of the run of `[A-Za-z0-9_]` from `from`. */
function skipNameCodes(source: string, from: number): number {
  let at = from;
  for (;;) {
    const code = source.charCodeAt(at);
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95) at += 1;
    else return at;
  }
}

/** The names the source assigns (`$name :=`) or calls (`$name(`). */
function listKeptNames(source: string): ReadonlySet<string> {
  return new Set(Array.from(source.matchAll(KEPT_NAME), (match) => match[1]!));
}

/**
 * The field steps after the renamable variable `name` (its name ends at `at`), when they make a
 * path slot: the variable starts the path (no `.` before its `$`), every step is a plain name, and
 * what follows is in PATH_FOLLOWERS. `key` tells equal paths apart from variables (`r8.v930`).
 */
function readPathSlot(source: string, at: number, name: string): { readonly slot: ShapeSlot; readonly key: string; readonly end: number } | undefined {
  if (source[at] !== '.' || source[skipSpace(source, at - name.length - 2, -1)] === '.') return undefined;
  const fields: string[] = [];
  let end = at;
  for (;;) {
    FIELD_STEP.lastIndex = end;
    const step = FIELD_STEP.exec(source);
    if (step === null) break;
    const field = step[1]!;
    const after = FIELD_STEP.lastIndex;
    if (KEYWORDS.has(field) || (after < source.length && !NAME_ENDS.has(source[after]!))) return undefined;
    fields.push(field);
    end = after;
  }
  const next = skipSpace(source, end, 1);
  if (fields.length === 0 || (next < source.length && !PATH_FOLLOWERS.has(source[next]!))) return undefined;
  return { slot: { kind: 'path', name, fields }, key: `${name}.${fields.join('.')}`, end };
}

/** A variable that may be bound under another name, unless the source assigns or calls it (see readExpressionShape). */
function isRenamable(name: string, functionNames: ReadonlySet<string>): boolean {
  return IDENTIFIER.test(name) && DIGIT.test(name) && !JSONATA_FUNCTION_NAMES.has(name) && !functionNames.has(name);
}

/** The index of the first character from `from` (going in `step`'s direction) that is not whitespace jsonata skips. */
function skipSpace(source: string, from: number, step: 1 | -1): number {
  let at = from;
  while (at >= 0 && at < source.length && SPACE.has(source[at]!)) at += step;
  return at;
}

/**
 * Binds a shape's slots: literals as they were, variables from `variables` when bound there,
 * paths to their values (left unbound where the value is nothing). False when a path's value is
 * one only jsonata can tell: then evaluate the source itself, not the shape.
 */
export function bindShapeSlots(slots: readonly ShapeSlot[], variables: Readonly<Record<string, unknown>>, bindings: Record<string, unknown>): boolean {
  for (let i = 0; i < slots.length; i += 1) {
    const slot = slots[i]!;
    if (slot.kind === 'literal') bindings[bindingName(i)] = slot.value;
    else if (!(slot.name in variables)) continue;
    else if (slot.kind === 'variable') bindings[bindingName(i)] = variables[slot.name];
    else {
      const value = readFieldPath(variables[slot.name], slot.fields);
      if (value === FALL_BACK) return false;
      if (value !== undefined) bindings[bindingName(i)] = value;
    }
  }
  return true;
}
