/**
 * JSON.stringify(value).length without building the text: a compiled job's definitions are
 * measured (against Step Functions' 1,048,576 characters) several times while a split is
 * chosen, and their states are shared between attempts, so lengths are computed in one walk and
 * remembered per object. For plain JSON data (what the compiler builds); anything else (an
 * object with toJSON, a non-finite number, a string JSON must escape) is measured by
 * JSON.stringify itself.
 */

/** Lengths of the objects and arrays already measured, by identity; for data never modified after. */
export type JsonLengths = WeakMap<object, number>;

/** Characters JSON.stringify writes as they are inside a string: no quote, backslash, control character, DEL or beyond (a lone surrogate is escaped). */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON.stringify escapes
const PLAIN_STRING = /^[^"\\\u0000-\u001f\u007f-\uffff]*$/;

/** JSON.stringify(value).length for a value JSON.stringify writes (not undefined, a function or a symbol at the top). */
export function measureJsonLength(value: unknown, lengths: JsonLengths = new WeakMap()): number {
  switch (typeof value) {
    case 'string':
      return PLAIN_STRING.test(value) ? value.length + 2 : JSON.stringify(value).length;
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'object':
      return value === null ? 4 : measureObject(value, lengths);
    default:
      return JSON.stringify(value).length;
  }
}

function measureObject(value: object, lengths: JsonLengths): number {
  const known = lengths.get(value);
  if (known !== undefined) return known;
  let length: number;
  const prototype: unknown = Object.getPrototypeOf(value);
  // Not plain data (a Date, a boxed primitive, anything with toJSON): as JSON.stringify writes it.
  if ((prototype !== Object.prototype && prototype !== null && !Array.isArray(value)) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    length = JSON.stringify(value).length;
  } else if (Array.isArray(value)) {
    const items = value as readonly unknown[];
    // Brackets and commas; an undefined, function or symbol item is written null.
    length = 2 + Math.max(0, items.length - 1);
    // A hole reads as undefined: null too.
    for (const item of items) length += isLeftOut(item) ? 4 : measureJsonLength(item, lengths);
  } else {
    length = 2;
    let written = 0;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (isLeftOut(item)) continue;
      // A comma before every key but the first, the key in quotes, a colon, the value.
      length += (written === 0 ? 0 : 1) + measureJsonLength(key, lengths) + 1 + measureJsonLength(item, lengths);
      written += 1;
    }
  }
  lengths.set(value, length);
  return length;
}

/** What JSON.stringify leaves out of an object (and writes null for in an array). */
function isLeftOut(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
