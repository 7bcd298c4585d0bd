/*
 * Ported from jsonata's src/parser.js (https://github.com/jsonata-js/jsonata):
 * © Copyright IBM Corp. 2016, 2018 All Rights Reserved. Project name: JSONata.
 * Licensed under the MIT License, whose notice follows:
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy of this software
 * and associated documentation files (the "Software"), to deal in the Software without
 * restriction, including without limitation the rights to use, copy, modify, merge, publish,
 * distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
 * Software is furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in all copies or
 * substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
 * BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
 * NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
 * DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 */

/**
 * jsonata 2.x's parser (its parser.js: the tokenizer, the Pratt parser and processAST), ported
 * for a subset of its syntax, so that the runner reads the compiler's expressions without
 * loading or running jsonata. For a source in the subset the tree is jsonata's own, node for
 * node and property for property (positions included), so compile-expression.ts compiles it
 * exactly as it compiles `jsonata(source).ast()`. For anything else, a construct outside the
 * subset or any syntax error, it answers undefined and the caller asks jsonata, which parses the
 * source or reports its own error: the subset only ever accepts what jsonata accepts, never
 * more. Outside it: regular expressions, comments, `%` as the parent operator, `**`, `@`, `^(...)`
 * (order-by), `~>`, `?:`, `??`, `|...|` transforms, partial application (`?` arguments) and
 * function signatures (`<...>`); every construct outside it is a step jsonata's own code takes
 * and this port does not (so, with no parent operator, ancestry never arises).
 * test/runner/parse-jsonata.test.ts holds the two parsers to the same trees.
 */

/** A node of jsonata's tree, with the properties its parser gives the subset's nodes. */
export interface JsonataNode {
  type: string;
  value?: unknown;
  position?: number;
  /** A binary operator's left operand; an object constructor's (key, value) pairs. */
  lhs?: JsonataNode | JsonataPair[];
  /** A binary operator's right operand; a group-by's (key, value) pairs. */
  rhs?: JsonataNode | JsonataPair[];
  expression?: JsonataNode;
  expressions?: JsonataNode[];
  arguments?: JsonataNode[];
  procedure?: JsonataNode;
  name?: undefined;
  condition?: JsonataNode;
  then?: JsonataNode;
  else?: JsonataNode;
  body?: JsonataNode;
  signature?: undefined;
  thunk?: boolean;
  steps?: JsonataNode[];
  predicate?: JsonataNode[];
  stages?: JsonataNode[];
  expr?: JsonataNode;
  group?: { lhs: JsonataPair[]; position: number | undefined };
  index?: unknown;
  tuple?: boolean;
  keepArray?: boolean;
  keepSingletonArray?: boolean;
  consarray?: boolean;
}

export type JsonataPair = [JsonataNode, JsonataNode];

/** Thrown inside the port where jsonata would throw, or where it would take a step the port does not. */
class Refused extends Error {}

function refuse(): never {
  throw new Refused();
}

/** jsonata's operator table: binding powers (its symbol table's, where they differ: `:` and `..` bind nothing). */
const BINDING_POWERS: ReadonlyMap<string, number> = new Map([
  ['.', 75],
  ['[', 80],
  [']', 0],
  ['{', 70],
  ['}', 0],
  ['(', 80],
  [')', 0],
  [',', 0],
  ['@', 80],
  ['#', 80],
  [';', 0],
  [':', 0],
  ['?', 20],
  ['+', 50],
  ['-', 50],
  ['*', 60],
  ['/', 60],
  ['%', 60],
  ['|', 0],
  ['=', 40],
  ['<', 40],
  ['>', 40],
  ['^', 40],
  ['**', 0],
  ['..', 0],
  [':=', 10],
  ['!=', 40],
  ['<=', 40],
  ['>=', 40],
  ['~>', 40],
  ['?:', 40],
  ['??', 40],
  ['and', 30],
  ['or', 25],
  ['in', 40],
  ['&', 50],
]);

const NAME_CHARACTER = 0;
const SPACE_CHARACTER = 1;
const OPERATOR_CHARACTER = 2;
/** What each ASCII character is to the tokenizer: the whitespace it skips, its single-character operators (which also end a name), or part of a name. */
const CHARACTER_KINDS = new Uint8Array(128);
for (const char of ' \t\n\r\v') CHARACTER_KINDS[char.charCodeAt(0)] = SPACE_CHARACTER;
for (const char of '.[]{}(),@#;:?+-*/%|=<>^&!~') CHARACTER_KINDS[char.charCodeAt(0)] = OPERATOR_CHARACTER;
/** The two-character operators, by their first character. */
const DOUBLE_OPERATORS = new Map<number, (readonly [number, string])[]>();
for (const operator of ['..', ':=', '!=', '>=', '<=', '**', '~>', '?:', '??']) {
  const first = operator.charCodeAt(0);
  DOUBLE_OPERATORS.set(first, [...(DOUBLE_OPERATORS.get(first) ?? []), [operator.charCodeAt(1), operator]]);
}
const [SLASH, STAR, DOUBLE_QUOTE, SINGLE_QUOTE, BACKTICK, DOLLAR, BACKSLASH, ZERO, NINE] = Array.from('/*"\'`$\\09', (char) => char.charCodeAt(0)) as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(0|([1-9][0-9]*))(\.[0-9]+)?([Ee][-+]?[0-9]+)?/y;
const INFIX = new Set(['.', '+', '-', '*', '/', '%', '=', '<', '>', '!=', '<=', '>=', '&', 'and', 'or', 'in']);

type TokenType = 'operator' | 'name' | 'variable' | 'string' | 'number' | 'value';

/** A source's tree, and the names of the variables it mentions (`$name` tokens, `$` aside), in first-seen order. */
export interface ParsedJsonata {
  readonly tree: JsonataNode;
  readonly variables: readonly string[];
}

/** The tree jsonata's parser builds for `source`, or undefined when the source is outside the subset or does not parse. */
export function parseJsonata(source: string): ParsedJsonata | undefined {
  try {
    return new SubsetParser(source).parse();
  } catch {
    return undefined;
  }
}

class SubsetParser {
  private at = 0;
  /** The current token's node (what jsonata's `node` is, without its symbol), its symbol id and binding power. */
  private node: JsonataNode = { type: '(end)' };
  private id = '(end)';
  private lbp = 0;
  private tokenType: TokenType = 'operator';
  private tokenValue: string | number | boolean | null = null;
  private readonly seen = new Set<string>();
  private readonly variables: string[] = [];

  constructor(private readonly source: string) {}

  parse(): ParsedJsonata {
    this.advance();
    const expression = this.expression(0);
    if (this.id !== '(end)') refuse();
    return { tree: this.process(expression), variables: this.variables };
  }

  /**
   * The tokenizer's next(prefix), its steps in its order: `prefix` true where a `/` cannot start
   * a regular expression. Sets the token's type, value and position (the offset after it, as
   * jsonata's are); false at the end.
   */
  private readToken(prefix: boolean): boolean {
    const source = this.source;
    const length = source.length;
    let at = this.at;
    if (at >= length) return false;
    let code = source.charCodeAt(at);
    while (at < length && code < 128 && CHARACTER_KINDS[code] === SPACE_CHARACTER) code = source.charCodeAt(++at);
    if (code === SLASH && (source.charCodeAt(at + 1) === STAR || !prefix)) refuse(); // a comment, or a regular expression
    const pair = DOUBLE_OPERATORS.get(code);
    if (pair !== undefined) {
      const second = source.charCodeAt(at + 1);
      for (const [next, operator] of pair) {
        if (second === next) return this.setToken('operator', operator, at + 2);
      }
    }
    if (code < 128 && CHARACTER_KINDS[code] === OPERATOR_CHARACTER) return this.setToken('operator', source.charAt(at), at + 1);
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) return this.readString(at, code);
    if (code >= ZERO && code <= NINE) {
      NUMBER.lastIndex = at;
      const number = NUMBER.exec(source)!;
      const value = parseFloat(number[0]);
      if (!Number.isFinite(value)) refuse();
      return this.setToken('number', value, at + number[0].length);
    }
    if (code === BACKTICK) {
      const end = source.indexOf('`', at + 1);
      if (end === -1) refuse();
      return this.setToken('name', source.substring(at + 1, end), end + 1);
    }
    let i = at;
    while (i !== length) {
      const next = source.charCodeAt(i);
      if (next < 128 && CHARACTER_KINDS[next] !== NAME_CHARACTER) break;
      i += 1;
    }
    if (code === DOLLAR) return this.setToken('variable', this.readVariable(source.substring(at + 1, i)), i);
    const name = source.substring(at, i);
    switch (name) {
      case 'or':
      case 'in':
      case 'and':
        return this.setToken('operator', name, i);
      case 'true':
        return this.setToken('value', true, i);
      case 'false':
        return this.setToken('value', false, i);
      case 'null':
        return this.setToken('value', null, i);
      default:
        if (i === length && name === '') {
          this.at = i;
          return false; // whitespace at the end
        }
        return this.setToken('name', name, i);
    }
  }

  private setToken(type: TokenType, value: string | number | boolean | null, end: number): true {
    this.tokenType = type;
    this.tokenValue = value;
    this.at = end;
    return true;
  }

  /** A variable token's name, listed once (in first-seen order) among the source's variables. */
  private readVariable(name: string): string {
    if (name !== '' && !this.seen.has(name)) {
      this.seen.add(name);
      this.variables.push(name);
    }
    return name;
  }

  private readString(start: number, quote: number): true {
    const source = this.source;
    const close = source.indexOf(quote === SINGLE_QUOTE ? "'" : '"', start + 1);
    // No escape before the closing quote: the text as it stands.
    if (close !== -1) {
      const escape = source.indexOf('\\', start + 1);
      if (escape === -1 || escape > close) return this.setToken('string', source.substring(start + 1, close), close + 1);
    }
    let at = start + 1;
    let text = '';
    while (at < source.length) {
      const code = source.charCodeAt(at);
      if (code === BACKSLASH) {
        at += 1;
        const char = source.charAt(at);
        if (Object.hasOwn(ESCAPES, char)) text += ESCAPES[char]!;
        else if (char === 'u') {
          const octets = source.slice(at + 1, at + 5);
          if (!/^[0-9a-fA-F]+$/.test(octets)) refuse();
          text += String.fromCharCode(parseInt(octets, 16));
          at += 4;
        } else refuse();
      } else if (code === quote) return this.setToken('string', text, at + 1);
      else text += source.charAt(at);
      at += 1;
    }
    return refuse();
  }

  /** advance(id, infix): checks the current token is `id`, then reads the next one. */
  private advance(id?: string, infix = false): void {
    if (id !== undefined && this.id !== id) refuse();
    if (!this.readToken(infix)) {
      this.node = { type: '(end)', position: this.source.length };
      this.id = '(end)';
      this.lbp = 0;
      return;
    }
    const type = this.tokenType;
    const value = this.tokenValue;
    this.node = { value, type, position: this.at };
    if (type === 'operator') {
      const lbp = BINDING_POWERS.get(value as string);
      if (lbp === undefined) refuse(); // `!` or `~` alone: S0204
      this.id = value as string;
      this.lbp = lbp;
    } else {
      this.id = type === 'name' || type === 'variable' ? '(name)' : '(literal)';
      this.lbp = 0;
    }
  }

  /** Pratt's expression(rbp). */
  private expression(rbp: number): JsonataNode {
    let token = this.node;
    let id = this.id;
    this.advance(undefined, true);
    let left = this.nud(token, id);
    while (rbp < this.lbp) {
      token = this.node;
      id = this.id;
      this.advance();
      left = this.led(token, id, left);
    }
    return left;
  }

  private nud(self: JsonataNode, id: string): JsonataNode {
    switch (id) {
      case '(name)':
      case '(literal)':
      case 'and':
      case 'or':
      case 'in':
        return self;
      case '-':
        self.expression = this.expression(70);
        self.type = 'unary';
        return self;
      case '*':
        self.type = 'wildcard';
        return self;
      case '(': {
        const expressions: JsonataNode[] = [];
        while (this.id !== ')') {
          expressions.push(this.expression(0));
          if (this.id !== ';') break;
          this.advance(';');
        }
        this.advance(')', true);
        self.type = 'block';
        self.expressions = expressions;
        return self;
      }
      case '[': {
        const items: JsonataNode[] = [];
        if (this.id !== ']') {
          for (;;) {
            let item = this.expression(0);
            if (this.id === '..') {
              const range: JsonataNode = { type: 'binary', value: '..', position: this.node.position, lhs: item };
              this.advance('..');
              range.rhs = this.expression(0);
              item = range;
            }
            items.push(item);
            if (this.id !== ',') break;
            this.advance(',');
          }
        }
        this.advance(']', true);
        self.expressions = items;
        self.type = 'unary';
        return self;
      }
      case '{':
        return this.readObject(self, undefined);
      default:
        return refuse(); // the end, a symbol with no prefix form (S0211), or `%` `**` `|` outside the subset
    }
  }

  private led(self: JsonataNode, id: string, left: JsonataNode): JsonataNode {
    if (INFIX.has(id)) {
      self.lhs = left;
      self.rhs = this.expression(BINDING_POWERS.get(id)!);
      self.type = 'binary';
      return self;
    }
    switch (id) {
      case '(':
        return this.readCall(self, left);
      case '[':
        if (this.id === ']') {
          let step = left;
          while (step.type === 'binary' && step.value === '[') step = step.lhs as JsonataNode;
          step.keepArray = true;
          this.advance(']');
          return left;
        }
        self.lhs = left;
        self.rhs = this.expression(0);
        self.type = 'binary';
        this.advance(']', true);
        return self;
      case '{':
        return this.readObject(self, left);
      case ':=':
        if (left.type !== 'variable') refuse();
        self.lhs = left;
        self.rhs = this.expression(BINDING_POWERS.get(':=')! - 1);
        self.type = 'binary';
        return self;
      case '#': {
        self.lhs = left;
        const variable = this.expression(BINDING_POWERS.get('#')!);
        if (variable.type !== 'variable') refuse();
        self.rhs = variable;
        self.type = 'binary';
        return self;
      }
      case '?':
        self.type = 'condition';
        self.condition = left;
        self.then = this.expression(0);
        if (this.id === ':') {
          this.advance(':');
          self.else = this.expression(0);
        }
        return self;
      default:
        return refuse(); // `~>` `??` `?:` `^` `@` outside the subset
    }
  }

  private readCall(self: JsonataNode, left: JsonataNode): JsonataNode {
    self.procedure = left;
    self.type = 'function';
    const args: JsonataNode[] = [];
    self.arguments = args;
    if (this.id !== ')') {
      for (;;) {
        if (this.node.type === 'operator' && this.id === '?') refuse(); // partial application
        args.push(this.expression(0));
        if (this.id !== ',') break;
        this.advance(',');
      }
    }
    this.advance(')', true);
    if (left.type === 'name' && (left.value === 'function' || left.value === '\u03BB')) {
      for (const arg of args) if (arg.type !== 'variable') refuse();
      self.type = 'lambda';
      if (this.id === '<') refuse(); // a signature
      this.advance('{');
      self.body = this.expression(0);
      this.advance('}');
    }
    return self;
  }

  private readObject(self: JsonataNode, left: JsonataNode | undefined): JsonataNode {
    const pairs: JsonataPair[] = [];
    if (this.id !== '}') {
      for (;;) {
        const key = this.expression(0);
        this.advance(':');
        const value = this.expression(0);
        pairs.push([key, value]);
        if (this.id !== ',') break;
        this.advance(',');
      }
    }
    this.advance('}', true);
    if (left === undefined) {
      self.lhs = pairs;
      self.type = 'unary';
    } else {
      self.lhs = left;
      self.rhs = pairs;
      self.type = 'binary';
    }
    return self;
  }

  /** processAST, for the subset (no parent operator, so no ancestry). */
  private process(expr: JsonataNode): JsonataNode {
    let result: JsonataNode;
    switch (expr.type) {
      case 'binary':
        result = this.processBinary(expr);
        break;
      case 'unary':
        result = { type: expr.type, value: expr.value, position: expr.position };
        if (expr.value === '[') result.expressions = expr.expressions!.map((item) => this.process(item));
        else if (expr.value === '{') result.lhs = (expr.lhs as JsonataPair[]).map(([key, value]) => [this.process(key), this.process(value)]);
        else {
          result.expression = this.process(expr.expression!);
          if (expr.value === '-' && result.expression.type === 'number') {
            result = result.expression;
            result.value = -(result.value as number);
          }
        }
        break;
      case 'function':
        result = { type: expr.type, name: expr.name, value: expr.value, position: expr.position };
        result.arguments = expr.arguments!.map((arg) => this.process(arg));
        result.procedure = this.process(expr.procedure!);
        break;
      case 'lambda':
        result = { type: expr.type, arguments: expr.arguments, signature: expr.signature, position: expr.position };
        result.body = optimizeTailCall(this.process(expr.body!));
        break;
      case 'condition':
        result = { type: expr.type, position: expr.position };
        result.condition = this.process(expr.condition!);
        result.then = this.process(expr.then!);
        if (expr.else !== undefined) result.else = this.process(expr.else);
        break;
      case 'block': {
        const block: JsonataNode = { type: expr.type, position: expr.position };
        block.expressions = expr.expressions!.map((item) => {
          const part = this.process(item);
          if (part.consarray === true || (part.type === 'path' && part.steps![0]!.consarray === true)) block.consarray = true;
          return part;
        });
        result = block;
        break;
      }
      case 'name':
        result = { type: 'path', steps: [expr] };
        if (expr.keepArray === true) result.keepSingletonArray = true;
        break;
      case 'string':
      case 'number':
      case 'value':
      case 'wildcard':
      case 'variable':
        result = expr;
        break;
      case 'operator':
        // `and`, `or` and `in` where a name stands are field names.
        if (expr.value !== 'and' && expr.value !== 'or' && expr.value !== 'in') refuse();
        expr.type = 'name';
        result = this.process(expr);
        break;
      default:
        return refuse();
    }
    if (expr.keepArray === true) result.keepArray = true;
    return result;
  }

  private processBinary(expr: JsonataNode): JsonataNode {
    const lhs = expr.lhs as JsonataNode;
    switch (expr.value) {
      case '.': {
        const first = this.process(lhs);
        const result: JsonataNode = first.type === 'path' ? first : { type: 'path', steps: [first] };
        const steps = result.steps!;
        const rest = this.process(expr.rhs as JsonataNode);
        if (rest.type === 'path') steps.push(...rest.steps!);
        else {
          if (rest.predicate !== undefined) {
            rest.stages = rest.predicate;
            delete rest.predicate;
          }
          steps.push(rest);
        }
        for (const step of steps) if (step.type === 'number' || step.type === 'value') refuse(); // S0213
        for (const step of steps) if (step.type === 'string') step.type = 'name';
        if (steps.some((step) => step.keepArray === true)) result.keepSingletonArray = true;
        const firstStep = steps[0]!;
        if (firstStep.type === 'unary' && firstStep.value === '[') firstStep.consarray = true;
        const lastStep = steps[steps.length - 1]!;
        if (lastStep.type === 'unary' && lastStep.value === '[') lastStep.consarray = true;
        return result;
      }
      case '[': {
        const result = this.process(lhs);
        const step = result.type === 'path' ? result.steps![result.steps!.length - 1]! : result;
        if (step.group !== undefined) refuse(); // S0209
        const filters = result.type === 'path' ? (step.stages ??= []) : (step.predicate ??= []);
        filters.push({ type: 'filter', expr: this.process(expr.rhs as JsonataNode), position: expr.position });
        return result;
      }
      case '{': {
        const result = this.process(lhs);
        if (result.group !== undefined) refuse(); // S0210
        result.group = { lhs: (expr.rhs as JsonataPair[]).map(([key, value]) => [this.process(key), this.process(value)]), position: expr.position };
        return result;
      }
      case ':=': {
        const result: JsonataNode = { type: 'bind', value: expr.value, position: expr.position };
        result.lhs = this.process(lhs);
        result.rhs = this.process(expr.rhs as JsonataNode);
        return result;
      }
      case '#': {
        let result = this.process(lhs);
        let step = result;
        if (result.type === 'path') step = result.steps![result.steps!.length - 1]!;
        else {
          result = { type: 'path', steps: [result] };
          if (step.predicate !== undefined) {
            step.stages = step.predicate;
            delete step.predicate;
          }
        }
        const name = (expr.rhs as JsonataNode).value;
        if (step.stages === undefined) step.index = name;
        else step.stages.push({ type: 'index', value: name, position: expr.position });
        step.tuple = true;
        return result;
      }
      default: {
        const result: JsonataNode = { type: expr.type, value: expr.value, position: expr.position };
        result.lhs = this.process(lhs);
        result.rhs = this.process(expr.rhs as JsonataNode);
        return result;
      }
    }
  }
}

/** tailCallOptimize: a call in tail position of a lambda's body becomes a thunk. */
function optimizeTailCall(expr: JsonataNode): JsonataNode {
  if (expr.type === 'function' && expr.predicate === undefined) return { type: 'lambda', thunk: true, arguments: [], position: expr.position, body: expr };
  if (expr.type === 'condition') {
    expr.then = optimizeTailCall(expr.then!);
    if (expr.else !== undefined) expr.else = optimizeTailCall(expr.else);
  } else if (expr.type === 'block') {
    const expressions = expr.expressions!;
    if (expressions.length > 0) expressions[expressions.length - 1] = optimizeTailCall(expressions[expressions.length - 1]!);
  }
  return expr;
}
