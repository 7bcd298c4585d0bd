import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** A tsconfig.json's file lists as written (relative to its directory). */
export interface TsconfigFileLists {
  readonly files?: readonly string[];
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  /** compilerOptions.outDir and declarationDir: excluded when `exclude` is not given. */
  readonly outputDirectories: readonly string[];
}

/** Directories a wildcard never enters (TypeScript's file matching). */
const DEPENDENCY_DIRECTORIES = new Set(['node_modules', 'bower_components', 'jspm_packages']);
const GLOB_CHARACTERS = /[*?]/;

/**
 * Whether a tsconfig.json covers `file` (so that tsx applies its compilerOptions to it), by
 * TypeScript's rules for `files`, `include` and `exclude`: true, false, or undefined where the
 * lists use a pattern this reads no further than (a wildcard inside a directory name, `?`,
 * a glob in `exclude`, a path through a dot-directory or node_modules under a wildcard), for
 * which the caller lets tsx decide. Reads the common forms exactly: `src`, `.`, `**`/`*`
 * patterns such as `src/**` + `/*.ts`, `**` + `/*`, file paths, and plain exclude paths.
 */
export function decideTsconfigCoverage(tsconfigPath: string, lists: TsconfigFileLists, file: string): boolean | undefined {
  const project = dirname(tsconfigPath);
  if (lists.files?.some((entry) => join(project, entry) === file) === true) return true;
  const includeSpec = lists.files !== undefined || lists.include !== undefined ? lists.include : ['**/*'];
  if (includeSpec === undefined) return false;
  const included = combine(includeSpec.map((entry) => decideInclude(join(project, entry), file)));
  if (included === false) return false;
  const excludeSpec = lists.exclude ?? lists.outputDirectories;
  for (const entry of excludeSpec) {
    if (GLOB_CHARACTERS.test(entry)) return undefined;
    if (isWithin(file, join(project, entry))) return false;
  }
  return included;
}

/** Any true wins; otherwise undefined if any is undecided; otherwise false. */
function combine(answers: readonly (boolean | undefined)[]): boolean | undefined {
  if (answers.includes(true)) return true;
  return answers.includes(undefined) ? undefined : false;
}

function decideInclude(pattern: string, file: string): boolean | undefined {
  const segments = pattern.split(sep);
  const firstGlob = segments.findIndex((segment) => GLOB_CHARACTERS.test(segment));
  if (firstGlob === -1) {
    const last = segments[segments.length - 1] ?? '';
    // A last component without an extension is a directory: `dir` means `dir/**/*`.
    if (last.includes('.') && last !== '.' && last !== '..') return file === pattern;
    return decideWildcardTail(pattern, ['**', '*'], file);
  }
  return decideWildcardTail(segments.slice(0, firstGlob).join(sep), segments.slice(firstGlob), file);
}

/** `base` then wildcard segments: only `**` (any depth) then one `*` or `*.ext` name are read. */
function decideWildcardTail(base: string, tail: readonly string[], file: string): boolean | undefined {
  const deep = tail.length === 2 && tail[0] === '**';
  const name = deep ? tail[1] : tail.length === 1 ? tail[0] : undefined;
  if (name === undefined || !/^\*(\.[^*?]+)?$/.test(name)) return undefined;
  if (!isWithin(file, base) || file === base) return false;
  const below = relative(base, file).split(sep);
  if (!deep && below.length !== 1) return false;
  // A wildcard skips dot-files, dot-directories and dependency directories: left to tsx here.
  if (below.some((segment) => segment.startsWith('.') || DEPENDENCY_DIRECTORIES.has(segment))) return undefined;
  return name === '*' || file.endsWith(name.slice(1));
}

function isWithin(file: string, directory: string): boolean {
  const path = relative(directory, file);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}
