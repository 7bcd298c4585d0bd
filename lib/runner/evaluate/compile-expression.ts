/**
 * JSONata expressions compiled from jsonata's own parsed tree (`jsonata(source).ast()`) into
 * plain synchronous JavaScript closures, for a subset of node types: literals, variables,
 * paths of names (with filters, `*`, array and object constructors as steps), filters,
 * array and object constructors, blocks with `:=`, conditions, `and`/`or`, `=`/`!=`, `<`/`<=`/`>`/`>=`, `+ - * / %`, `&` on strings, `in`, unary minus, and calls to
 * the functions in compiled-functions.ts, and `$sift(object, function($v, $k){...})` with the
 * function written in place. Each closure follows the engine's evaluation step by
 * step (its sequences, their flags and its singleton rule, see jsonata-rules.ts), so the value
 * is the engine's. A tree with any other node or node property is not compiled (the engine
 * evaluates it); a compiled expression that meets anything outside the subset at run time
 * (a value of another type, a function, a name bound to something else than jsonata's own
 * function, what would be an engine error) throws FALL_BACK_SIGNAL and the caller evaluates
 * it with the engine, so errors are always the engine's own. Functions with side effects
 * ($random, $now, ...) are never called, so falling back part way is safe.
 * test/runner/compile-expression.test.ts holds compiled and engine results to each other.
 */
import { findCompiledFunction } from './compiled-functions.js';
import { JSONATA_FUNCTION_NAMES } from './expression-shape.js';
import {
  appendValues,
  createSequence,
  dropPrototype,
  fallBack,
  isArrayOfNumbers,
  isDeepEqual,
  isFunction,
  isNumeric,
  isSequence,
  lookupField,
  normalizeResult,
  setObjectEntry,
  toBoolean,
  type Sequence,
} from './jsonata-rules.js';

/** A variable scope: a block's own bindings over its parent's, the evaluation's bindings at the root. */
export class CompiledFrame {
  /** The frame's own bindings, made on its first `:=` (most frames bind nothing: the evaluation's root, a block without `:=`). */
  private values: Map<string, unknown> | undefined;

  constructor(
    private readonly parent: CompiledFrame | undefined,
    private readonly root: Readonly<Record<string, unknown>>,
  ) {}

  bind(name: string, value: unknown): void {
    (this.values ??= new Map()).set(name, value);
  }

  /** Whether `name` is bound here or in an enclosing frame (to anything, undefined included). */
  has(name: string): boolean {
    if (this.values?.has(name) === true) return true;
    if (this.parent !== undefined) return this.parent.has(name);
    return name === '$' || Object.hasOwn(this.root, name);
  }

  lookup(name: string): unknown {
    const values = this.values;
    if (values?.has(name) === true) return values.get(name);
    if (this.parent !== undefined) return this.parent.lookup(name);
    return Object.hasOwn(this.root, name) ? this.root[name] : undefined;
  }
}

/** The root of a block's or a lambda's frame (only an evaluation's own frame reads its root). */
const NO_BINDINGS: Readonly<Record<string, unknown>> = Object.freeze(Object.create(null) as Record<string, unknown>);

/** A compiled node: evaluates against its context value in a frame; may throw FALL_BACK_SIGNAL. */
export type CompiledExpression = (input: unknown, frame: CompiledFrame) => unknown;

/** A jsonata AST node, as jsonata 2.x's parser leaves it. */
interface AstNode {
  readonly type: string;
  readonly value?: unknown;
  readonly steps?: readonly AstNode[];
  readonly stages?: readonly AstNode[];
  readonly predicate?: readonly AstNode[];
  readonly expressions?: readonly AstNode[];
  readonly arguments?: readonly AstNode[];
  readonly procedure?: AstNode;
  readonly lhs?: AstNode | readonly (readonly [AstNode, AstNode])[];
  readonly rhs?: AstNode;
  readonly condition?: AstNode;
  readonly then?: AstNode;
  readonly else?: AstNode;
  readonly expr?: AstNode;
  readonly consarray?: boolean;
}

/**
 * The node properties the compiler knows; a node with any other (tuple, focus, index, group,
 * ancestor, keepArray, ...) is not compiled. keepArray (`[]`) is left out on purpose: it sets a
 * flag on a sequence that may be shared, which the engine's interleaved evaluation could see in
 * another order.
 */
const KNOWN_PROPERTIES = new Set([
  'type',
  'value',
  'position',
  'steps',
  'stages',
  'predicate',
  'expressions',
  'arguments',
  'procedure',
  'lhs',
  'rhs',
  'condition',
  'then',
  'else',
  'expr',
  'consarray',
]);

const BINARY_OPERATORS = new Set(['and', 'or', '=', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '&', 'in']);

/** Thrown while compiling a tree outside the subset. */
class NotCompiled extends Error {}

/** The compiled form of a parsed expression, or undefined when it has a node outside the subset. */
export function compileJsonataAst(ast: unknown): CompiledExpression | undefined {
  try {
    return compileNode(ast as AstNode, false);
  } catch (error) {
    if (error instanceof NotCompiled) return undefined;
    throw error;
  }
}

/** Evaluates a compiled expression with the evaluation's bindings (as jsonata binds them, `$` being the undefined input). */
export function evaluateCompiled(expression: CompiledExpression, bindings: Readonly<Record<string, unknown>>): unknown {
  return expression(undefined, new CompiledFrame(undefined, bindings));
}

function refuse(): never {
  throw new NotCompiled();
}

function checkProperties(node: AstNode): void {
  if (node === null || typeof node !== 'object') refuse();
  // The parser leaves some properties present but undefined (a call's `name`): those are absent.
  for (const [key, value] of Object.entries(node)) if (!KNOWN_PROPERTIES.has(key) && value !== undefined) refuse();
}

/** A node with its predicates and the engine's result rule; `inBlock`: the node is a block's own expression (where `:=` may be). */
function compileNode(node: AstNode, inBlock: boolean): CompiledExpression {
  checkProperties(node);
  if (node.type === 'path' && node.predicate !== undefined) refuse();
  const body = compileBody(node, inBlock);
  const predicates = (node.predicate ?? []).map(compileFilter);
  if (predicates.length === 0) {
    if (node.type === 'string' || node.type === 'number' || node.type === 'value') return body;
    return (input, frame) => normalizeResult(body(input, frame));
  }
  return (input, frame) => {
    let result = body(input, frame);
    for (const predicate of predicates) result = predicate(result, frame);
    return normalizeResult(result);
  };
}

function compileBody(node: AstNode, inBlock: boolean): CompiledExpression {
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      const value = node.value;
      if (node.type === 'string' ? typeof value !== 'string' : node.type === 'number' ? typeof value !== 'number' : value !== null && typeof value !== 'boolean') refuse();
      return () => value;
    }
    case 'variable':
      return compileVariable(node);
    case 'name': {
      const key = node.value;
      if (typeof key !== 'string') refuse();
      return (input) => lookupField(input, key);
    }
    case 'wildcard':
      return (input) => evaluateWildcard(input);
    case 'path':
      return compilePath(node);
    case 'unary':
      return compileUnary(node);
    case 'binary':
      return compileBinary(node);
    case 'condition':
      return compileCondition(node);
    case 'block':
      return compileBlock(node);
    case 'bind': {
      if (!inBlock) refuse(); // elsewhere a binding could be seen by expressions the engine evaluates concurrently
      const lhs = node.lhs as AstNode;
      if (lhs.type !== 'variable' || typeof lhs.value !== 'string' || node.rhs === undefined) refuse();
      const name = lhs.value;
      const rhs = compileNode(node.rhs, false);
      return (input, frame) => {
        const value = rhs(input, frame);
        frame.bind(name, value);
        return value;
      };
    }
    case 'function':
      return compileCall(node);
    default:
      return refuse();
  }
}

function compileVariable(node: AstNode): CompiledExpression {
  const name = node.value;
  if (typeof name !== 'string') refuse();
  // As the engine reads it: any value with a truthy outerWrapper property.
  if (name === '') return (input) => (hasOuterWrapper(input) ? (input as Record<number, unknown>)[0] : input);
  return (_input, frame) => {
    if (frame.has(name)) return frame.lookup(name);
    // Unbound: jsonata's own function of that name, as a value (a function: left to the engine), or nothing.
    if (JSONATA_FUNCTION_NAMES.has(name)) fallBack();
    return undefined;
  };
}

interface CompiledStep {
  readonly evaluate: CompiledExpression;
  readonly stages: readonly ((input: unknown, frame: CompiledFrame) => unknown)[];
}

function compilePath(node: AstNode): CompiledExpression {
  const stepNodes = node.steps ?? refuse();
  if (stepNodes.length === 0) refuse();
  const firstIsVariable = stepNodes[0]!.type === 'variable';
  const consFirst = stepNodes[0]!.consarray === true;
  if (consFirst && stepNodes[0]!.stages !== undefined) refuse();
  const steps: CompiledStep[] = stepNodes.map((step) => {
    for (const stage of step.stages ?? []) if (stage.type !== 'filter') refuse();
    return { evaluate: compileNode(step.stages === undefined ? step : withoutStages(step), false), stages: (step.stages ?? []).map(compileFilter) };
  });
  return (input, frame) => {
    let inputSequence: unknown[] = Array.isArray(input) && !firstIsVariable ? input : createSequence(input);
    let resultSequence: unknown;
    for (let i = 0; i < steps.length; i += 1) {
      const step = steps[i]!;
      resultSequence = i === 0 && consFirst ? step.evaluate(inputSequence, frame) : evaluateStep(step, inputSequence, frame, i === steps.length - 1);
      if (resultSequence === undefined || (resultSequence as unknown[]).length === 0) break;
      inputSequence = resultSequence as unknown[];
    }
    return resultSequence;
  };
}

function withoutStages(step: AstNode): AstNode {
  const copy: Record<string, unknown> = { ...step };
  delete copy.stages;
  return copy as unknown as AstNode;
}

/** evaluateStep: the step on each item of the input sequence, its stages on each result, flattened. */
function evaluateStep(step: CompiledStep, input: readonly unknown[], frame: CompiledFrame, lastStep: boolean): unknown {
  const results: unknown[] = createSequence();
  for (const item of input) {
    let result = step.evaluate(item, frame);
    for (const stage of step.stages) result = stage(result, frame);
    if (result !== undefined) results.push(result);
  }
  if (lastStep && results.length === 1 && Array.isArray(results[0]) && !isSequence(results[0])) return results[0];
  const flattened = createSequence();
  for (const result of results) {
    if (!Array.isArray(result) || (result as Sequence).cons === true) flattened.push(result);
    else for (const value of result) flattened.push(value);
  }
  return flattened;
}

/** evaluateFilter: a `[...]` predicate (an index, indexes, or a condition per item) over a value. */
function compileFilter(stage: AstNode): (input: unknown, frame: CompiledFrame) => unknown {
  checkProperties(stage);
  if (stage.type !== 'filter' || stage.expr === undefined) refuse();
  const expr = stage.expr;
  if (expr.type === 'number') {
    checkProperties(expr);
    if (typeof expr.value !== 'number' || expr.predicate !== undefined) refuse();
    const at = Math.floor(expr.value);
    return (value) => {
      if ((value as Sequence | undefined)?.tupleStream === true) fallBack();
      const input = Array.isArray(value) ? value : createSequence(value);
      const index = at < 0 ? input.length + at : at;
      const item: unknown = input[index];
      if (item === undefined) return createSequence();
      if (Array.isArray(item)) return item as unknown[];
      return createSequence(item);
    };
  }
  const predicate = compileNode(expr, false);
  return (value, frame) => {
    if ((value as Sequence | undefined)?.tupleStream === true) fallBack();
    const input = Array.isArray(value) ? value : createSequence(value);
    const results = createSequence();
    for (let index = 0; index < input.length; index += 1) {
      const item: unknown = input[index];
      let result = predicate(item, frame);
      if (isNumeric(result)) result = [result];
      if (isArrayOfNumbers(result)) {
        for (const position of result) {
          let i = Math.floor(position);
          if (i < 0) i = input.length + i;
          if (i === index) results.push(item);
        }
      } else if (toBoolean(result) === true) results.push(item);
    }
    return results;
  };
}

function evaluateWildcard(value: unknown): unknown {
  let input = value;
  let results: unknown = createSequence();
  if (Array.isArray(input) && hasOuterWrapper(input) && input.length > 0) input = input[0];
  if (input !== null && typeof input === 'object' && !isFunction(input)) {
    for (const key of Object.keys(input)) {
      const item = (input as Record<string, unknown>)[key];
      if (Array.isArray(item)) results = appendValues(results, flatten(item, []));
      else (results as unknown[]).push(item);
    }
  }
  return results;
}

function hasOuterWrapper(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && Boolean((value as { outerWrapper?: unknown }).outerWrapper);
}

function flatten(value: unknown, into: unknown[]): unknown[] {
  if (Array.isArray(value)) for (const item of value) flatten(item, into);
  else into.push(value);
  return into;
}

function compileUnary(node: AstNode): CompiledExpression {
  switch (node.value) {
    case '-': {
      const operand = compileNode((node as { expression?: AstNode }).expression ?? refuse(), false);
      return (input, frame) => {
        const value = operand(input, frame);
        if (value === undefined) return undefined;
        if (isNumeric(value)) return -value;
        return fallBack();
      };
    }
    case '[': {
      const itemNodes = node.expressions ?? refuse();
      const items = itemNodes.map((item) => compileNode(item, false));
      const nested = itemNodes.map((item) => item.value === '[');
      const cons = node.consarray === true;
      return (input, frame) => {
        let result: unknown = [];
        for (let i = 0; i < items.length; i += 1) {
          const value = items[i]!(input, frame);
          if (value === undefined) continue;
          if (nested[i]) (result as unknown[]).push(value);
          else result = appendValues(result, value);
        }
        if (cons) Object.defineProperty(result, 'cons', { enumerable: false, configurable: false, value: true });
        return result;
      };
    }
    case '{':
      return compileObject(node);
    default:
      return refuse();
  }
}

/** evaluateGroupExpression without a tuple stream: keys per item, then each group's value on its items. */
function compileObject(node: AstNode): CompiledExpression {
  if (!Array.isArray(node.lhs)) refuse();
  const pairs = node.lhs as readonly (readonly [AstNode, AstNode])[];
  const compiled = pairs.map(([key, value]) => [compileNode(key, false), compileNode(value, false)] as const);
  return (value, frame) => {
    if ((value as Sequence | undefined)?.tupleStream === true) fallBack();
    const input = Array.isArray(value) ? value : createSequence(value);
    // As the engine does: an empty input gets one undefined item, so that a literal object is built (the engine pushes into the input itself).
    if (input.length === 0) input.push(undefined);
    const groups = Object.create(null) as Record<string, { data: unknown; readonly exprIndex: number }>;
    for (const item of input) {
      for (let pairIndex = 0; pairIndex < compiled.length; pairIndex += 1) {
        const key = compiled[pairIndex]![0](item, frame);
        if (key === undefined) continue;
        if (typeof key !== 'string' || key === '_jsonata_lambda' || key === '_jsonata_function') fallBack();
        const group = groups[key];
        if (group === undefined) groups[key] = { data: item, exprIndex: pairIndex };
        else if (group.exprIndex !== pairIndex) fallBack();
        else group.data = appendValues(group.data, item);
      }
    }
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(groups)) {
      const group = groups[key]!;
      const entry = compiled[group.exprIndex]![1](group.data, frame);
      if (entry !== undefined) setObjectEntry(result, key, entry);
    }
    return dropPrototype(result);
  };
}

function compileBinary(node: AstNode): CompiledExpression {
  const operator = node.value;
  if (typeof operator !== 'string' || !BINARY_OPERATORS.has(operator)) refuse();
  const left = compileNode(node.lhs as AstNode, false);
  const right = compileNode(node.rhs ?? refuse(), false);
  switch (operator) {
    case 'and':
      return (input, frame) => (toBoolean(left(input, frame)) ?? false) && (toBoolean(right(input, frame)) ?? false);
    case 'or':
      return (input, frame) => (toBoolean(left(input, frame)) ?? false) || (toBoolean(right(input, frame)) ?? false);
    case '=':
    case '!=': {
      const equal = operator === '=';
      return (input, frame) => {
        const a = left(input, frame);
        const b = right(input, frame);
        if (a === undefined || b === undefined) return false;
        return isDeepEqual(a, b) === equal;
      };
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (input, frame) => {
        const a = left(input, frame);
        const b = right(input, frame);
        const comparable = (v: unknown): boolean => v === undefined || typeof v === 'string' || typeof v === 'number';
        if (!comparable(a) || !comparable(b)) fallBack();
        if (a === undefined || b === undefined) return undefined;
        if (typeof a !== typeof b) fallBack();
        const x = a as number;
        const y = b as number;
        return operator === '<' ? x < y : operator === '<=' ? x <= y : operator === '>' ? x > y : x >= y;
      };
    case '&':
      return (input, frame) => {
        const a = left(input, frame);
        const b = right(input, frame);
        if ((a !== undefined && typeof a !== 'string') || (b !== undefined && typeof b !== 'string')) fallBack();
        return (a ?? '') + (b ?? '');
      };
    case 'in':
      return (input, frame) => {
        const a = left(input, frame);
        const b = right(input, frame);
        if (a === undefined || b === undefined) return false;
        const list = Array.isArray(b) ? b : [b];
        for (const item of list) if (item === a) return true;
        return false;
      };
    default:
      return (input, frame) => {
        const a = left(input, frame);
        const b = right(input, frame);
        if ((a !== undefined && !isNumeric(a)) || (b !== undefined && !isNumeric(b))) fallBack();
        if (a === undefined || b === undefined) return undefined;
        const result = operator === '+' ? a + b : operator === '-' ? a - b : operator === '*' ? a * b : operator === '/' ? a / b : a % b;
        if (!Number.isFinite(result)) fallBack();
        return result;
      };
  }
}

function compileCondition(node: AstNode): CompiledExpression {
  const condition = compileNode(node.condition ?? refuse(), false);
  const then = compileNode(node.then ?? refuse(), false);
  const otherwise = node.else === undefined ? undefined : compileNode(node.else, false);
  return (input, frame) => {
    if (toBoolean(condition(input, frame)) === true) return then(input, frame);
    return otherwise === undefined ? undefined : otherwise(input, frame);
  };
}

function compileBlock(node: AstNode): CompiledExpression {
  const expressions = (node.expressions ?? refuse()).map((expression) => compileNode(expression, true));
  return (input, frame) => {
    const blockFrame = new CompiledFrame(frame, NO_BINDINGS);
    let result: unknown;
    for (const expression of expressions) result = expression(input, blockFrame);
    return result;
  };
}

function compileCall(node: AstNode): CompiledExpression {
  const procedure = node.procedure ?? refuse();
  checkProperties(procedure);
  if (procedure.type !== 'variable' || typeof procedure.value !== 'string' || procedure.predicate !== undefined) refuse();
  const name = procedure.value;
  if (name === 'sift' && node.arguments?.length === 2 && node.arguments[1]!.type === 'lambda') return compileSift(node.arguments[0]!, node.arguments[1]!);
  const implementation = findCompiledFunction(name) ?? refuse();
  const args = (node.arguments ?? refuse()).map((argument) => compileNode(argument, false));
  return (input, frame) => {
    // A variable or Step Functions function of that name is what the engine would call: left to it.
    if (frame.has(name)) fallBack();
    const values: unknown[] = [];
    for (const arg of args) values.push(arg(input, frame));
    return implementation(values);
  };
}

/** A `function($v, $k, ...){...}` written as an argument: its parameter names and its body (a tail call's thunk unwrapped). */
function compileLambda(node: AstNode): { readonly parameters: readonly string[]; readonly body: CompiledExpression } {
  const lambda = node as AstNode & { readonly body?: AstNode; readonly signature?: unknown; readonly thunk?: unknown };
  for (const [key, value] of Object.entries(lambda)) if (!['type', 'arguments', 'signature', 'position', 'body'].includes(key) && value !== undefined) refuse();
  if (lambda.signature !== undefined || lambda.body === undefined) refuse();
  const parameters = (lambda.arguments ?? refuse()).map((parameter) => (parameter.type === 'variable' && typeof parameter.value === 'string' ? parameter.value : refuse()));
  let body = lambda.body as AstNode & { readonly body?: AstNode; readonly thunk?: unknown };
  // The parser wraps a call in tail position in a thunk lambda; the engine's trampoline then evaluates that call in the lambda's frame.
  if (body.type === 'lambda') {
    if (body.thunk !== true || body.arguments?.length !== 0 || body.body === undefined) refuse();
    for (const [key, value] of Object.entries(body)) if (!['type', 'thunk', 'arguments', 'position', 'body'].includes(key) && value !== undefined) refuse();
    body = body.body;
  }
  return { parameters, body: compileNode(body, false) };
}

/**
 * fn.sift with a lambda written in place: the object's entries for which the lambda, called
 * with the value, the key and the object (as many as it has parameters), is true; nothing when
 * none is. Only `boolean()` of the lambda's result is read, so the thunk's unnormalized result
 * and a normalized one decide alike.
 */
function compileSift(objectNode: AstNode, lambdaNode: AstNode): CompiledExpression {
  const object = compileNode(objectNode, false);
  const { parameters, body } = compileLambda(lambdaNode);
  return (input, frame) => {
    if (frame.has('sift')) fallBack();
    const value = object(input, frame);
    if (value === null || typeof value !== 'object' || Array.isArray(value) || isFunction(value)) fallBack();
    const entries = value as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    let empty = true;
    for (const key of Object.keys(entries)) {
      const entry = entries[key];
      const lambdaFrame = new CompiledFrame(frame, NO_BINDINGS);
      const args = [entry, key, entries];
      parameters.forEach((parameter, i) => lambdaFrame.bind(parameter, args[i]));
      if (toBoolean(body(input, lambdaFrame)) === true) {
        setObjectEntry(result, key, entry);
        empty = false;
      }
    }
    return empty ? undefined : dropPrototype(result);
  };
}
