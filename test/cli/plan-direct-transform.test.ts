import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findTsxReason, planDirectTransform, type RequireResolution } from '../../lib/cli/plan-direct-transform.js';
import { findTsconfig, stripJsonComments, type TsconfigFacts } from '../../lib/cli/read-tsconfig.js';

function tsconfigAt(path: string, facts: Partial<Omit<TsconfigFacts, 'path'>> = {}): TsconfigFacts {
  return { path, compilerOptions: {}, listsFiles: false, reachesOutside: false, ...facts };
}

describe('planDirectTransform: which tsconfig options esbuild gets, or why tsx loads the module', () => {
  const cases: readonly [string, string, TsconfigFacts | undefined, ReturnType<typeof planDirectTransform>][] = [
    ['no tsconfig.json', '/p/job.ts', undefined, { tsconfigRaw: undefined }],
    ['a .cts module', '/p/job.cts', undefined, { tsconfigRaw: undefined }],
    ['an .mts module', '/p/job.mts', undefined, { tsxReason: '.mts modules are loaded by tsx' }],
    ['a .tsx module', '/p/job.tsx', undefined, { tsxReason: '.tsx modules are loaded by tsx' }],
    [
      'a tsconfig with extends (compilerOptions unknown)',
      '/p/job.ts',
      tsconfigAt('/p/tsconfig.json', { compilerOptions: undefined }),
      { tsxReason: '/p/tsconfig.json uses extends or is not JSON: tsx reads it' },
    ],
    [
      'options that do not change the transform, files listed',
      '/p/job.ts',
      tsconfigAt('/p/tsconfig.json', { compilerOptions: { module: 'NodeNext', paths: {} }, listsFiles: true }),
      { tsconfigRaw: undefined },
    ],
    [
      'transform options, module under the tsconfig, no file list: tsx applies them, so does this',
      '/p/src/job.ts',
      tsconfigAt('/p/tsconfig.json', { compilerOptions: { strict: true, useDefineForClassFields: false, module: 'NodeNext' } }),
      { tsconfigRaw: { compilerOptions: { strict: true, useDefineForClassFields: false } } },
    ],
    [
      'transform options, module under the tsconfig, files listed',
      '/p/src/job.ts',
      tsconfigAt('/p/tsconfig.json', { compilerOptions: { strict: true }, listsFiles: true }),
      { tsxReason: '/p/tsconfig.json lists its files: tsx decides whether it covers the module' },
    ],
    [
      'transform options, module outside the tsconfig directory: tsx does not apply them',
      '/tmp/job.ts',
      tsconfigAt('/p/tsconfig.json', { compilerOptions: { strict: true }, listsFiles: true }),
      { tsconfigRaw: undefined },
    ],
    [
      'transform options, module outside, include reaches outside',
      '/tmp/job.ts',
      tsconfigAt('/p/tsconfig.json', { compilerOptions: { strict: true }, listsFiles: true, reachesOutside: true }),
      { tsxReason: '/p/tsconfig.json lists files outside its directory: tsx decides whether it covers the module' },
    ],
  ];
  it.each(cases)('%s', (_label, path, tsconfig, expected) => {
    expect(planDirectTransform(path, tsconfig)).toStrictEqual(expected);
  });
});

describe('findTsxReason: Node loads what the transformed module requires, or tsx does', () => {
  const files: Record<string, string> = {
    stepops: '/app/node_modules/stepops/dist/index.js',
    '/app/node_modules/stepops/dist/index.js': '/app/node_modules/stepops/dist/index.js',
    zod: '/app/node_modules/zod/index.cjs',
    lodash: '/app/node_modules/lodash/lodash.js',
    'esm-only': '/app/node_modules/esm-only/index.js',
    'some-mjs': '/app/node_modules/some-mjs/index.mjs',
    'data/table.json': '/app/node_modules/data/table.json',
    './helper.cjs': '/app/helper.cjs',
  };
  const resolution: RequireResolution = {
    resolve: (specifier) => files[specifier],
    isSharedEntry: (file) => file === '/app/node_modules/stepops/dist/index.js',
    isCommonJsFile: (file) => !file.includes('esm-only'),
  };
  const cases: readonly [string, string, TsconfigFacts | undefined, string | undefined][] = [
    ['builtins', 'require("node:fs"); require("path");', undefined, undefined],
    ['the shared package entry, by name and by path', 'require("stepops"); require("/app/node_modules/stepops/dist/index.js");', undefined, undefined],
    ['CommonJS packages and JSON', 'require("zod"); require("lodash"); require("data/table.json");', undefined, undefined],
    ['an escaped specifier', 'require("zo\\u0064");', undefined, undefined],
    ['a package that is an ES module', 'require("esm-only");', undefined, 'esm-only: /app/node_modules/esm-only/index.js is not a CommonJS file, which tsx transforms'],
    ['an .mjs file', 'require("some-mjs");', undefined, 'some-mjs: /app/node_modules/some-mjs/index.mjs is not a CommonJS file, which tsx transforms'],
    ['a local file', 'require("./helper.cjs");', undefined, './helper.cjs: a local file (/app/helper.cjs), which tsx loads'],
    ['a specifier Node cannot resolve (a .ts file written .js)', 'require("./helper.js");', undefined, './helper.js: Node cannot resolve it, tsx may'],
    [
      'a bare name under tsconfig paths',
      'require("stepops");',
      tsconfigAt('/app/tsconfig.json', { compilerOptions: { paths: {} } }),
      'stepops: /app/tsconfig.json has paths or baseUrl, which tsx applies',
    ],
    [
      'a bare name under tsconfig baseUrl',
      'require("zod");',
      tsconfigAt('/app/tsconfig.json', { compilerOptions: { baseUrl: '.' } }),
      'zod: /app/tsconfig.json has paths or baseUrl, which tsx applies',
    ],
    ['a builtin under tsconfig paths', 'require("node:fs");', tsconfigAt('/app/tsconfig.json', { compilerOptions: { paths: {} } }), undefined],
    ['a computed require', 'const name = "zod"; require(name);', undefined, 'the module calls require() other than with a string literal: tsx resolves it'],
    ['a dynamic import', 'require("zod"); void import("zod");', undefined, 'the module uses import(): tsx resolves it'],
  ];
  it.each(cases)('%s', (_label, code, tsconfig, expected) => {
    expect(findTsxReason(code, tsconfig, resolution)).toBe(expected);
  });
});

describe('stripJsonComments: tsconfig.json text to JSON', () => {
  const cases: readonly [string, string, unknown][] = [
    ['line and block comments', '{ // a\n "a": 1, /* b */ "b": 2 }', { a: 1, b: 2 }],
    ['trailing commas, also before a comment', '{ "a": [1, 2,], "b": { "c": 3, /* end */ }, }', { a: [1, 2], b: { c: 3 } }],
    ['comment markers and commas inside strings are kept', '{ "a": "x // y /* z */", "b": "q,}", "c": "say \\"hi\\" //" }', { a: 'x // y /* z */', b: 'q,}', c: 'say "hi" //' }],
    ['paths globs', '{ "paths": { "@app/*": ["./src/*"] } }', { paths: { '@app/*': ['./src/*'] } }],
  ];
  it.each(cases)('%s', (_label, text, expected) => {
    expect(JSON.parse(stripJsonComments(text))).toStrictEqual(expected);
  });
});

describe('findTsconfig: the tsconfig.json tsx reads, as the plan needs it', () => {
  const root = mkdtempSync(join(tmpdir(), 'stepops-tsconfig-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function writeTsconfig(text: string): string {
    const folder = mkdtempSync(join(root, 'p-'));
    writeFileSync(join(folder, 'tsconfig.json'), text);
    mkdirSync(join(folder, 'src'));
    return folder;
  }

  it('finds the nearest one upward from the current directory, comments and trailing commas allowed', () => {
    const folder = writeTsconfig('{\n  // strict\n  "compilerOptions": { "strict": true, },\n}\n');
    expect(findTsconfig(join(folder, 'src'), undefined)).toStrictEqual({
      path: join(folder, 'tsconfig.json'),
      compilerOptions: { strict: true },
      listsFiles: false,
      reachesOutside: false,
    });
  });

  it('reads TSX_TSCONFIG_PATH instead when it is set, absolute or relative to the current directory', () => {
    const folder = writeTsconfig('{}');
    writeFileSync(join(folder, 'src', 'other.json'), '{ "include": ["../../elsewhere"] }');
    const expected = { path: join(folder, 'src', 'other.json'), compilerOptions: {}, listsFiles: true, reachesOutside: true };
    expect(findTsconfig(folder, 'src/other.json')).toStrictEqual(expected);
    expect(findTsconfig(tmpdir(), join(folder, 'src', 'other.json'))).toStrictEqual(expected);
  });

  it('leaves compilerOptions unknown when the file extends another or is not JSON', () => {
    expect(findTsconfig(writeTsconfig('{ "extends": "@tsconfig/node20/tsconfig.json", "compilerOptions": {} }'), undefined)?.compilerOptions).toBeUndefined();
    expect(findTsconfig(writeTsconfig('{ "compilerOptions": '), undefined)?.compilerOptions).toBeUndefined();
  });
});
