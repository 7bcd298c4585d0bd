import { createRequire } from 'node:module';
import type { Expression as JsonataExpression } from 'jsonata';
import { InternalError } from '../../errors.js';
import { InvalidDefinitionError } from '../errors.js';
import { compileJsonataAst, evaluateCompiled, type CompiledExpression } from './compile-expression.js';
import { evaluateFastExpression, listFastReferences, readFastExpression, type FastNode } from './fast-expression.js';
import { containsFunction } from './function-values.js';
import { FALL_BACK_SIGNAL } from './jsonata-rules.js';
import { evaluateFastPath, FALL_BACK, readFastPath, type FastPath } from './fast-path.js';
import { bindShapeSlots, JSONATA_FUNCTION_NAMES, readExpressionShape, SLOT_PREFIX, type ExpressionShape, type ShapeSlot } from './expression-shape.js';
import { bindClockFunctions, mayReadClock } from './jsonata-clock.js';
import { bindSeededShuffle, mayShuffle } from './jsonata-shuffle.js';
import { STEP_FUNCTIONS_FUNCTION_NAMES, type StepFunctionsJsonataFunctions } from './jsonata-functions.js';
import { parseJsonata, type ParsedJsonata } from './parse-jsonata.js';
import { failQueryEvaluation, type EvaluationSite } from './query-evaluation.js';
import type { Scope } from '../run-context.js';
import type { StatesContextObject } from '../types.js';

let engine: typeof import('jsonata') | undefined;

/**
 * The jsonata engine, loaded on first use: only an expression that parse-jsonata.ts does not
 * read, that compile-expression.ts does not compile, or whose compiled form falls back needs it
 * (a compiled job's run that fails no op loads it never). jsonata is a CommonJS bundle (299 KB):
 * required, it loads in ~20 ms in a fresh process; imported as an ES module, Node first scans
 * the whole bundle for its named exports (~70 ms more). Same module object either way.
 */
function loadJsonata(): typeof import('jsonata') {
  engine ??= createRequire(import.meta.url)('jsonata') as typeof import('jsonata');
  return engine;
}

/**
 * Measurements: forgets every expression read, parsed or compiled in this process, so that the
 * next run of a definition reads, parses and compiles its expressions again, as the first run
 * of a process does (the engine stays loaded).
 */
export function clearExpressionCaches(): void {
  compiled.clear();
  sourceFacts.clear();
  trees.clear();
  compiledExpressions.clear();
  sourceReferences.clear();
}

/** Tests: whether this module has loaded the jsonata engine yet. */
export function isJsonataLoaded(): boolean {
  return engine !== undefined;
}

/**
 * A JSON value from the definition, compiled once: constants stay constants. `path` is the
 * field as Step Functions names it in errors: 'Output', 'Output/result', 'Arguments/Payload/x',
 * 'Items', 'Assign/total'.
 */
export type Template = ConstantTemplate | ExpressionTemplate | ObjectTemplate | ArrayTemplate;

/** A field the parser names: where the definition holds it (for definition errors) and its Step Functions path. */
interface FieldLocation {
  readonly where: string;
  readonly path: string;
}

/**
 * Where a template is: a field the parser names, or an entry (a key) or item (an index) of its
 * parent's value. `where` and `path` are written only when asked for (an error): a definition's
 * templates hold no string of their own.
 */
abstract class LocatedTemplate {
  constructor(
    private readonly parent: ObjectTemplate | ArrayTemplate | undefined,
    private readonly step: string | number | FieldLocation,
  ) {}

  /** Where the definition holds this part, for a definition error: `state "A" Output.list[0]`. */
  get where(): string {
    const { parent, step } = this;
    if (parent === undefined) return (step as FieldLocation).where;
    return typeof step === 'number' ? `${parent.where}[${step}]` : `${parent.where}.${step as string}`;
  }

  /** The Step Functions field path: `Output/list[0]`. */
  get path(): string {
    const { parent, step } = this;
    if (parent === undefined) return (step as FieldLocation).path;
    return typeof step === 'number' ? `${parent.path}[${step}]` : `${parent.path}/${step as string}`;
  }
}

class ConstantTemplate extends LocatedTemplate {
  readonly kind = 'constant';

  constructor(
    readonly value: unknown,
    parent: ObjectTemplate | ArrayTemplate | undefined,
    step: string | number | FieldLocation,
  ) {
    super(parent, step);
  }
}

class ExpressionTemplate extends LocatedTemplate {
  readonly kind = 'expression';

  constructor(
    /** What the runner read off the `{% %}` string, shared by every field holding the same string. */
    readonly facts: ExpressionFacts,
    parent: ObjectTemplate | ArrayTemplate | undefined,
    step: string | number | FieldLocation,
  ) {
    super(parent, step);
  }
}

/** An object with an expression in it: its keys, and the template of each key's value. */
class ObjectTemplate extends LocatedTemplate {
  readonly kind = 'object';
  readonly keys: string[] = [];
  readonly values: Template[] = [];
}

class ArrayTemplate extends LocatedTemplate {
  readonly kind = 'array';
  readonly items: Template[] = [];
}

/** The `$states` variable and the workflow variables one evaluation sees, and where it happens. */
export interface EvaluationEnvironment extends EvaluationSite {
  readonly states: {
    readonly input: unknown;
    readonly result?: unknown;
    readonly errorOutput?: unknown;
    readonly context: StatesContextObject;
  };
  readonly variables: Readonly<Record<string, unknown>>;
  readonly functions: StepFunctionsJsonataFunctions;
}

/** The environment of an evaluation in `scope` by the state entered at event `enteredEventId`. */
export function createEvaluationEnvironment(scope: Scope, stateName: string, enteredEventId: number, states: EvaluationEnvironment['states']): EvaluationEnvironment {
  return { stateName, enteredEventId, scope, states, variables: scope.variables, functions: scope.run.functions };
}

const compiled = new Map<string, JsonataExpression>();

/** True when `value` is a string that is exactly one `{% ... %}` expression. */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

/** Compiles (and caches: each distinct source once per process) one JSONata expression; a syntax error names the state and field (`at.where`, read only then). */
export function compileExpression(source: string, at: { readonly where: string }): JsonataExpression {
  const cached = compiled.get(source);
  if (cached !== undefined) return cached;
  try {
    const expression = loadJsonata()(source);
    compiled.set(source, expression);
    return expression;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidDefinitionError(`${at.where}: the JSONata expression "{%${source}%}" does not compile (${message}); fix its syntax`, { cause: error });
  }
}

/** What the runner reads off one `{% %}` string: the same for every field that holds it. */
export interface ExpressionFacts {
  /** The expression between `{%` and `%}`. */
  readonly source: string;
  /** What the engine parses for this source (its shape's source, or the source): compiled once per process, for a fast shape on its first fallback. */
  readonly engineSource: string;
  /** Set when the engine evaluates the source's shape (see expression-shape.ts): what to bind for its slots. */
  readonly slots: readonly ShapeSlot[] | undefined;
  /** Set when the source has a shape evaluated without the engine (see fast-path.ts). */
  readonly fastPath: FastPath | undefined;
  /** Set when the source is a payload shape evaluated without the engine (see fast-expression.ts). */
  readonly fastExpression: FastNode | undefined;
  /** The source's shape, when the engine evaluates one. */
  readonly shape: ExpressionShape | undefined;
  /** The `$names` the source (or its shape, slots aside) mentions: only these are bound when it is evaluated. */
  readonly references: readonly string[];
}

const sourceFacts = new Map<string, ExpressionFacts>();

/**
 * What the runner reads off an expression (its source, fast shape, the names it binds), once
 * per distinct `{% %}` string per process (keyed by the definition's own string, whose hash the
 * engine keeps: a run parsing the same definition again hashes nothing new).
 */
function readSource(value: string): ExpressionFacts {
  let facts = sourceFacts.get(value);
  if (facts === undefined) {
    const source = value.slice(2, -2);
    const fastPath = readFastPath(source);
    const fastExpression = fastPath === undefined ? readFastExpression(source) : undefined;
    const shape = fastPath === undefined && fastExpression === undefined ? readExpressionShape(source, STEP_FUNCTIONS_FUNCTION_NAMES) : undefined;
    const engineSource = shape?.source ?? source;
    let references: readonly string[];
    if (fastPath !== undefined) references = [fastPath.variable];
    else if (fastExpression !== undefined) references = listFastReferences(fastExpression);
    else references = (readTree(engineSource)?.variables ?? listReferences(engineSource)).filter((name) => !name.startsWith(SLOT_PREFIX));
    facts = { source, engineSource, slots: shape?.slots, fastPath, fastExpression, shape, references };
    sourceFacts.set(value, facts);
  }
  return facts;
}

/**
 * The compiled shape of a source (parsed once for every source of that shape), or the source
 * itself. A shape has the source's tokens with slot variables in place of some operands, so it
 * compiles exactly when the source does; should it not, the source's own error is reported.
 */
function compileShapeOrSource(source: string, shape: ExpressionShape | undefined, at: { readonly where: string }): JsonataExpression {
  if (shape === undefined) return compileExpression(source, at);
  try {
    return compileExpression(shape.source, at);
  } catch (error) {
    compileExpression(source, at); // throws the source's own syntax error
    throw new InternalError(`the shape ${JSON.stringify(shape.source)} of ${JSON.stringify(source)} does not compile though the source does`, { cause: error });
  }
}

/**
 * Compiles a JSON value in which any string that is exactly `{% expr %}` is an expression.
 * `where` locates definition errors; `path` is the Step Functions field path of the value.
 * A part with no expression in it is one constant: a frozen copy of the definition's value.
 */
export function compileTemplate(value: unknown, where: string, path: string): Template {
  const location: FieldLocation = { where, path };
  return compilePart(value, undefined, location) ?? new ConstantTemplate(copyFrozen(value), undefined, location);
}

/**
 * The template of a part of a value, or undefined when the part holds no expression (its
 * caller makes it a constant: one walk over every part, one copy of each constant at its top).
 */
function compilePart(value: unknown, parent: ObjectTemplate | ArrayTemplate | undefined, step: string | number | FieldLocation): Template | undefined {
  if (typeof value === 'string') return isJsonataExpression(value) ? compileExpressionTemplate(value, parent, step) : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const template = new ArrayTemplate(parent, step);
    let constant = true;
    for (let i = 0; i < value.length; i += 1) {
      const item = compilePart(value[i], template, i);
      if (item === undefined && constant) continue;
      // The first expression: the constant items before it become constants.
      if (constant) for (let j = 0; j < i; j += 1) template.items.push(new ConstantTemplate(copyFrozen(value[j]), template, j));
      constant = false;
      template.items.push(item ?? new ConstantTemplate(copyFrozen(value[i]), template, i));
    }
    return constant ? undefined : template;
  }
  const template = new ObjectTemplate(parent, step);
  let constant = true;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    const entryValue = (value as Record<string, unknown>)[key];
    const entry = compilePart(entryValue, template, key);
    if (entry === undefined && constant) continue;
    if (constant) {
      for (let j = 0; j < i; j += 1) {
        template.keys.push(keys[j]!);
        template.values.push(new ConstantTemplate(copyFrozen((value as Record<string, unknown>)[keys[j]!]), template, keys[j]!));
      }
    }
    constant = false;
    template.keys.push(key);
    template.values.push(entry ?? new ConstantTemplate(copyFrozen(entryValue), template, key));
  }
  return constant ? undefined : template;
}

function compileExpressionTemplate(value: string, parent: ObjectTemplate | ArrayTemplate | undefined, step: string | number | FieldLocation): Template {
  const facts = readSource(value);
  const template = new ExpressionTemplate(facts, parent, step);
  // A fast shape is valid JSONata by construction, and so is a source parse-jsonata.ts reads (it
  // reads only what jsonata parses): compiling it with the engine can wait until an evaluation needs it.
  if (facts.fastPath === undefined && facts.fastExpression === undefined && readTree(facts.engineSource) === undefined) {
    compileShapeOrSource(facts.source, facts.shape, template);
  }
  return template;
}

/** A deep copy of a JSON value, every array and object in it frozen (a JSON "__proto__" key stays data). */
function copyFrozen(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) items.push(copyFrozen(item));
    return Object.freeze(items);
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setEntry(copy, key, copyFrozen((value as Record<string, unknown>)[key]));
  return Object.freeze(copy);
}

/** The text AWS quotes for a template in errors: the expression's source, or the constant as JSON. */
export function describeTemplateSource(template: Template): string {
  if (template.kind === 'expression') return template.facts.source.trim();
  return template.kind === 'constant' ? (JSON.stringify(template.value) ?? 'null') : template.path;
}

/**
 * Evaluates a compiled template: its value, or a promise of it when the jsonata engine
 * evaluates one of its expressions (every other expression is evaluated at once, with no
 * promise: await the result only when it is a Promise). Values are shared, never copied: the
 * runner never mutates a value (handlers get their own copy of their arguments). An expression
 * that throws, gives nothing (undefined) or gives a function, at any depth of the template,
 * fails the state with States.QueryEvaluationError (recorded as EvaluationFailed), thrown here
 * or as the promise's rejection. The parts of a template are evaluated in order, one at a time.
 */
export function evaluateTemplate(template: Template, env: EvaluationEnvironment): unknown {
  switch (template.kind) {
    case 'constant':
      return template.value;
    case 'expression':
      return evaluateExpression(template, env);
    case 'array': {
      const values: unknown[] = [];
      const items = template.items;
      for (let i = 0; i < items.length; i += 1) {
        const value = evaluateTemplate(items[i]!, env);
        if (value instanceof Promise) return finishArray(items, i, value, values, env);
        values.push(value);
      }
      return values;
    }
    case 'object': {
      const result: Record<string, unknown> = {};
      const { keys, values } = template;
      for (let i = 0; i < keys.length; i += 1) {
        const value = evaluateTemplate(values[i]!, env);
        if (value instanceof Promise) return finishObject(template, i, value, result, env);
        setEntry(result, keys[i]!, value);
      }
      return result;
    }
  }
}

/** The rest of an array template once item `at` needs the engine: in order, each awaited. */
async function finishArray(items: readonly Template[], at: number, pending: Promise<unknown>, values: unknown[], env: EvaluationEnvironment): Promise<unknown[]> {
  values.push(await pending);
  for (let i = at + 1; i < items.length; i += 1) values.push(await evaluateTemplate(items[i]!, env));
  return values;
}

/** The rest of an object template once entry `at` needs the engine: in order, each awaited. */
async function finishObject(
  template: ObjectTemplate,
  at: number,
  pending: Promise<unknown>,
  result: Record<string, unknown>,
  env: EvaluationEnvironment,
): Promise<Record<string, unknown>> {
  const { keys, values } = template;
  setEntry(result, keys[at]!, await pending);
  for (let i = at + 1; i < keys.length; i += 1) setEntry(result, keys[i]!, await evaluateTemplate(values[i]!, env));
  return result;
}

function setEntry(result: Record<string, unknown>, key: string, value: unknown): void {
  // A JSON "__proto__" key is data: assigning it would set the prototype and drop the key.
  if (key === '__proto__') Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  else result[key] = value;
}

function evaluateExpression(template: Extract<Template, { kind: 'expression' }>, env: EvaluationEnvironment): unknown {
  let value: unknown = FALL_BACK;
  const fastPath = template.facts.fastPath;
  if (fastPath !== undefined) {
    const name = fastPath.variable;
    if (name === 'states') value = evaluateFastPath(fastPath, true, env.states);
    else if (!Object.hasOwn(env.functions, name)) {
      const bound = env.variables[name];
      const isVariable = bound !== undefined || name in env.variables;
      // An unassigned jsonata function name (`$string`) is that function: the engine says what it gives.
      if (isVariable || !JSONATA_FUNCTION_NAMES.has(name)) value = evaluateFastPath(fastPath, isVariable, bound);
    }
  } else if (template.facts.fastExpression !== undefined) {
    value = evaluateFastExpression(template.facts.fastExpression, env);
  }
  if (observer !== undefined && value !== FALL_BACK) observeFastEvaluation(template, env, value);
  // What the fast shapes read holds no function (function-values.ts), and what they build adds none.
  if (value !== FALL_BACK) return checkResult(template, env, value, false);
  value = evaluateCompiledExpression(template, env);
  if (value === FALL_BACK) return evaluateWithEngine(template, env).then((result) => checkResult(template, env, result, true));
  return checkResult(template, env, value, true);
}

/** One evaluation that the compiled form (compile-expression.ts) or the engine answered, with the bindings it had. */
export interface ObservedEvaluation {
  readonly engineSource: string;
  readonly by: 'fast' | 'compiled' | 'engine';
  /** The bindings the engine would get (for a fast evaluation, built only when observed). */
  readonly bindings: Readonly<Record<string, unknown>>;
  readonly value: unknown;
}

let observer: ((evaluation: ObservedEvaluation) => void) | undefined;

/** Tests: be told of every expression evaluation that gives a value (undefined stops it). */
export function observeEvaluations(next: ((evaluation: ObservedEvaluation) => void) | undefined): void {
  observer = next;
}

function observeFastEvaluation(template: Extract<Template, { kind: 'expression' }>, env: EvaluationEnvironment, value: unknown): void {
  const bindings = bindReferences(listReferences(template.facts.engineSource), env);
  observer?.({ engineSource: template.facts.engineSource, by: 'fast', bindings, value });
}

const trees = new Map<string, ParsedJsonata | null>();

/** jsonata's tree of an engine source as parse-jsonata.ts reads it (once per distinct source per process), or undefined when it leaves it to jsonata. */
function readTree(engineSource: string): ParsedJsonata | undefined {
  let tree = trees.get(engineSource);
  if (tree === undefined) {
    tree = parseJsonata(engineSource) ?? null;
    trees.set(engineSource, tree);
  }
  return tree ?? undefined;
}

const compiledExpressions = new Map<string, CompiledExpression | null>();

/**
 * The compiled form of an engine source (compile-expression.ts), built from jsonata's tree (read
 * by parse-jsonata.ts, else parsed by jsonata itself) once per distinct source per process, or
 * undefined when the source is outside the subset.
 */
function readCompiledExpression(engineSource: string, at: { readonly where: string }): CompiledExpression | undefined {
  let compiledExpression = compiledExpressions.get(engineSource);
  if (compiledExpression === undefined) {
    const tree = readTree(engineSource)?.tree ?? compileExpression(engineSource, at).ast();
    compiledExpression = compileJsonataAst(tree) ?? null;
    compiledExpressions.set(engineSource, compiledExpression);
  }
  return compiledExpression ?? undefined;
}

/** What the engine (or the compiled form) evaluates: the source's shape with its slots bound, else the source as it is. */
interface BoundEvaluation {
  readonly engineSource: string;
  readonly bindings: Record<string, unknown>;
}

/**
 * The bindings of one evaluation of a template's shape (or source); the source itself when a
 * slot's value is one only jsonata can tell (see bindShapeSlots).
 */
function bindEvaluation(template: Extract<Template, { kind: 'expression' }>, env: EvaluationEnvironment): BoundEvaluation {
  const facts = template.facts;
  const bindings = bindReferences(facts.references, env);
  if (facts.slots === undefined || bindShapeSlots(facts.slots, env.variables, bindings)) return { engineSource: facts.engineSource, bindings };
  let references = sourceReferences.get(facts.source);
  if (references === undefined) {
    references = readTree(facts.source)?.variables ?? listReferences(facts.source);
    sourceReferences.set(facts.source, references);
  }
  return { engineSource: facts.source, bindings: bindReferences(references, env) };
}

/** The `$names` of shaped sources evaluated as they are (rarely: see bindEvaluation), once per source per process. */
const sourceReferences = new Map<string, readonly string[]>();

/** The value of the compiled expression with the bindings the engine would get, or FALL_BACK (outside the subset, or an engine error to report). */
function evaluateCompiledExpression(template: Extract<Template, { kind: 'expression' }>, env: EvaluationEnvironment): unknown {
  const { engineSource, bindings } = bindEvaluation(template, env);
  const compiledExpression = readCompiledExpression(engineSource, template);
  if (compiledExpression === undefined) return FALL_BACK;
  let value: unknown;
  try {
    value = evaluateCompiled(compiledExpression, bindings);
  } catch (error) {
    if (error === FALL_BACK_SIGNAL) return FALL_BACK;
    throw error;
  }
  observer?.({ engineSource, by: 'compiled', bindings, value });
  return value;
}

/** The value of an expression, or States.QueryEvaluationError when it is nothing or holds a function (looked for only when it may). */
function checkResult(template: Extract<Template, { kind: 'expression' }>, env: EvaluationEnvironment, value: unknown, mayHoldFunction: boolean): unknown {
  if (value === undefined) {
    failQueryEvaluation(env, `The JSONata expression '${template.facts.source.trim()}' specified for the field '${template.path}' returned nothing (undefined).`, template.path);
  }
  if (mayHoldFunction && containsFunction(value)) {
    failQueryEvaluation(
      env,
      `The JSONata expression '${template.facts.source.trim()}' specified for the field '${template.path}' returned an unsupported result type.`,
      template.path,
    );
  }
  return value;
}

async function evaluateWithEngine(template: Extract<Template, { kind: 'expression' }>, env: EvaluationEnvironment): Promise<unknown> {
  try {
    const { engineSource, bindings } = bindEvaluation(template, env);
    const expression = compileExpression(engineSource, template);
    if (mayReadClock(engineSource)) await bindClockFunctions(loadJsonata(), bindings, env.scope.run.clock.now());
    if (mayShuffle(engineSource)) await bindSeededShuffle(loadJsonata(), bindings, env.scope.run.shuffleRandom);
    const value: unknown = await expression.evaluate(undefined, bindings);
    observer?.({ engineSource, by: 'engine', bindings, value });
    return value;
  } catch (error) {
    failQueryEvaluation(
      env,
      `The JSONata expression '${template.facts.source.trim()}' specified for the field '${template.path}' threw an error during evaluation. ${describeJsonataError(error)}`,
      template.path,
    );
  }
}

/**
 * Every `$name` a source mentions (a superset of the variables it reads: names inside string
 * literals or assigned with := are harmless extras). Binding only these, not every workflow
 * variable, keeps an evaluation's cost independent of how many variables the run has;
 * jsonata binds each binding it is given on every evaluation.
 */
function listReferences(source: string): string[] {
  return [...new Set(Array.from(source.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g), (match) => match[1]!))];
}

/**
 * The bindings of one evaluation: `$states`, then the Step Functions functions, then the
 * workflow variables (the same precedence as binding them all). Variables of a branch or Map
 * iteration inherit their parent's through the prototype chain (see createChildScope).
 */
function bindReferences(references: readonly string[], env: EvaluationEnvironment): Record<string, unknown> {
  const bindings: Record<string, unknown> = {};
  for (const name of references) {
    if (name === 'states') bindings.states = env.states;
    else if (Object.hasOwn(env.functions, name)) bindings[name] = (env.functions as unknown as Record<string, unknown>)[name];
    else {
      const value = env.variables[name];
      if (value !== undefined || name in env.variables) bindings[name] = value;
    }
  }
  return bindings;
}

/** "T1006: Attempted to invoke a non-function", as AWS quotes the jsonata library's errors. */
function describeJsonataError(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const e = error as { message?: unknown; code?: unknown };
    const message = typeof e.message === 'string' ? e.message : undefined;
    if (typeof e.code === 'string') return message === undefined ? e.code : `${e.code}: ${message}`;
    if (message !== undefined) return message;
  }
  return String(error);
}
