import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The public API is what package.json `exports` lists, and each subpath's index names every
 * export (no `export *`), so that adding or removing one is a decision this test makes visible.
 * test/unit/public-api.json holds the names; update it with UPDATE_PUBLIC_API=1.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const SNAPSHOT_FILE = join(ROOT, 'test/unit/public-api.json');
const UPDATE = process.env.UPDATE_PUBLIC_API === '1';

interface ExportedNames {
  readonly values: readonly string[];
  readonly types: readonly string[];
}

/** Each subpath (`stepops`, `stepops/handler`, ...) and the source index its `types` condition is built from. */
function listSubpaths(): Record<string, string> {
  const { exports } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string }> };
  return Object.fromEntries(
    Object.entries(exports).map(([subpath, conditions]) => [
      subpath === '.' ? 'stepops' : `stepops/${subpath.slice(2)}`,
      conditions.types.replace(/^\.\/dist\//, 'lib/').replace(/\.d\.ts$/, '.ts'),
    ]),
  );
}

function listIndexFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return listIndexFiles(path);
    return entry === 'index.ts' ? [path] : [];
  });
}

/** The names an index exports, read from its export lists; `export *` is reported in `wildcards`. */
function readExportLists(file: string): ExportedNames & { readonly wildcards: readonly string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const values: string[] = [];
  const types: string[] = [];
  const wildcards: string[] = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (clause === undefined || ts.isNamespaceExport(clause)) {
        wildcards.push(statement.getText(source));
        continue;
      }
      for (const element of clause.elements) (statement.isTypeOnly || element.isTypeOnly ? types : values).push(element.name.text);
      continue;
    }
    const exported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    const isType = ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement);
    const names = ts.isVariableStatement(statement)
      ? statement.declarationList.declarations.map((declaration) => declaration.name.getText(source))
      : [(statement as ts.DeclarationStatement).name?.getText(source) ?? 'default'];
    (isType ? types : values).push(...names);
  }
  return { values: values.sort(), types: types.sort(), wildcards };
}

function readSnapshot(): Record<string, ExportedNames> {
  try {
    return JSON.parse(readFileSync(SNAPSHOT_FILE, 'utf8')) as Record<string, ExportedNames>;
  } catch {
    return {};
  }
}

function describeChange(subpath: string, file: string, actual: ExportedNames, expected: ExportedNames | undefined): string {
  const list = (names: readonly string[]) => (names.length === 0 ? '-' : names.join(', '));
  const before = expected ?? { values: [], types: [] };
  const added = [...actual.values.filter((name) => !before.values.includes(name)), ...actual.types.filter((name) => !before.types.includes(name)).map((name) => `type ${name}`)];
  const removed = [...before.values.filter((name) => !actual.values.includes(name)), ...before.types.filter((name) => !actual.types.includes(name)).map((name) => `type ${name}`)];
  return [
    `The public API of ${subpath} (${file}) is not what test/unit/public-api.json records.`,
    `  added:   ${list(added)}`,
    `  removed: ${list(removed)}`,
    'Every exported name is a promise to users. If the change is intended, update the snapshot',
    '(UPDATE_PUBLIC_API=1 npx vitest run test/unit/public-api.test.ts, or edit test/unit/public-api.json),',
    'review its diff, and note the change in CHANGELOG.md under [Unreleased]. If not, export less:',
    'code inside the package imports internals by relative path (e.g. ../handler/serialize-error.js).',
  ].join('\n');
}

const SUBPATHS = listSubpaths();
const snapshot = readSnapshot();
const updated: Record<string, ExportedNames> = {};

describe('public API', () => {
  it.each(listIndexFiles(join(ROOT, 'lib')).map((file) => [relative(ROOT, file), file]))('%s lists its exports by name (no export *)', (_name, file) => {
    expect(readExportLists(file).wildcards).toStrictEqual([]);
  });

  it.each(Object.entries(SUBPATHS))('%s exports exactly the recorded names (%s)', async (subpath, file) => {
    const { values, types } = readExportLists(join(ROOT, file));
    const actual = { values, types };
    // The lists agree with what the module really exports at run time.
    expect(Object.keys((await import(join(ROOT, file))) as object).sort()).toStrictEqual(values);
    if (UPDATE) {
      updated[subpath] = actual;
      // Written after each subpath, in package.json's order; subpaths no longer exported drop out.
      writeFileSync(
        SNAPSHOT_FILE,
        `${JSON.stringify(
          Object.fromEntries(
            Object.keys(SUBPATHS)
              .map((name) => [name, updated[name] ?? snapshot[name]])
              .filter(([, names]) => names !== undefined),
          ),
          null,
          2,
        )}\n`,
      );
      return;
    }
    expect(actual, describeChange(subpath, file, actual, snapshot[subpath])).toStrictEqual(snapshot[subpath]);
  });

  it.skipIf(UPDATE)('records no subpath that package.json no longer exports', () => {
    expect(
      Object.keys(snapshot).filter((subpath) => !(subpath in SUBPATHS)),
      'remove it from test/unit/public-api.json',
    ).toStrictEqual([]);
  });
});
