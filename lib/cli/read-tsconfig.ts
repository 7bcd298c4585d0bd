import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { TsconfigFileLists } from './tsconfig-coverage.js';

/** The tsconfig.json that tsx would apply, as far as the job-module loader needs it. */
export interface TsconfigFacts {
  /** The file's path. */
  readonly path: string;
  /** Undefined when the file is not JSON with comments, or uses a feature the loader does not follow (`extends`). */
  readonly compilerOptions: Readonly<Record<string, unknown>> | undefined;
  /** True when the file says which files it covers (`files`, `include` or `exclude`). */
  readonly listsFiles: boolean;
  /** True when `files` or `include` names something outside the file's directory (`../x`, `/abs`). */
  readonly reachesOutside: boolean;
  /** `files`, `include`, `exclude` as written, when each is a list of strings (tsconfig-coverage.ts reads them). @default - unknown: tsx decides */
  readonly fileLists?: TsconfigFileLists;
}

/**
 * The tsconfig.json tsx uses for a module: TSX_TSCONFIG_PATH's, else the nearest tsconfig.json
 * from the current directory upward (tsx's own search). Undefined when there is none.
 */
export function findTsconfig(cwd: string, environmentPath: string | undefined): TsconfigFacts | undefined {
  if (environmentPath !== undefined && environmentPath !== '') return readTsconfig(resolve(cwd, environmentPath));
  for (let directory = cwd; ; directory = dirname(directory)) {
    const path = join(directory, 'tsconfig.json');
    if (existsSync(path)) return readTsconfig(path);
    if (dirname(directory) === directory) return undefined;
  }
}

function readTsconfig(path: string): TsconfigFacts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonComments(readFileSync(path, 'utf8')));
  } catch {
    return { path, compilerOptions: undefined, listsFiles: true, reachesOutside: true };
  }
  const config = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const entries = [config.files, config.include].flatMap((list): unknown[] => (Array.isArray(list) ? list : [])).map(String);
  const options = config.compilerOptions;
  return {
    path,
    compilerOptions: 'extends' in config ? undefined : typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {},
    listsFiles: 'files' in config || 'include' in config || 'exclude' in config,
    reachesOutside: entries.some((entry) => entry.startsWith('..') || isAbsolute(entry)),
    ...readFileLists(config),
  };
}

function readFileLists(config: Record<string, unknown>): { fileLists?: TsconfigFileLists } {
  const lists: Record<string, readonly string[]> = {};
  for (const key of ['files', 'include', 'exclude'] as const) {
    const list = config[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string')) return {};
    lists[key] = list;
  }
  const options = (typeof config.compilerOptions === 'object' && config.compilerOptions !== null ? config.compilerOptions : {}) as Record<string, unknown>;
  const outputDirectories = [options.outDir, options.declarationDir].filter((entry): entry is string => typeof entry === 'string');
  return { fileLists: { ...lists, outputDirectories } };
}

/** JSON with comments and trailing commas (what tsconfig.json allows) to JSON; strings are kept as written. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    const char = text[i]!;
    if (char === '"') {
      const end = findStringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (char === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      const end = skipComment(text, i);
      out += ' ';
      i = end;
    } else {
      // A comma whose next significant character closes an object or array is a trailing one.
      const next = char === ',' ? skipInsignificant(text, i + 1) : i;
      if (!(char === ',' && (text[next] === '}' || text[next] === ']'))) out += char;
      i += 1;
    }
  }
  return out;
}

/** The index just past the string literal starting at `start`. */
function findStringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

/** The index just past the comment starting at `start` (a line comment ends before its newline). */
function skipComment(text: string, start: number): number {
  if (text[start + 1] === '/') {
    const end = text.indexOf('\n', start);
    return end === -1 ? text.length : end;
  }
  const end = text.indexOf('*/', start + 2);
  return end === -1 ? text.length : end + 2;
}

/** The index of the next character that is neither whitespace nor inside a comment. */
function skipInsignificant(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) i += 1;
    else if (text[i] === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) i = skipComment(text, i);
    else break;
  }
  return i;
}

/** True when `file` lies under the directory of `tsconfigPath`. */
export function isUnderTsconfig(file: string, tsconfigPath: string): boolean {
  const path = relative(dirname(tsconfigPath), file);
  return path !== '' && !path.startsWith('..') && !isAbsolute(path);
}
