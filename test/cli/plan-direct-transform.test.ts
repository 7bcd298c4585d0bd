import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findEsModuleTsxReason, findRefusedRequire, findTsxReason, planDirectTransform, type RequireResolution } from '../../lib/cli/plan-direct-transform.js';
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
      { tsxReason: '/p/tsconfig.json lists its files in a way only tsx reads: tsx decides whether it covers the module' },
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
      { tsxReason: '/p/tsconfig.json lists its files in a way only tsx reads: tsx decides whether it covers the module' },
    ],
  ];
  it.each(cases)('%s', (_label, path, tsconfig, expected) => {
    expect(planDirectTransform(path, tsconfig)).toStrictEqual(expected);
  });

  it("applies the options when the tsconfig's lists cover the module, and leaves them out when they do not", () => {
    const consumer = tsconfigAt('/p/tsconfig.json', {
      compilerOptions: { target: 'ES2022', strict: true, module: 'NodeNext' },
      listsFiles: true,
      fileLists: { include: ['**/*.ts'], exclude: ['node_modules', 'cdk.out'], outputDirectories: [] },
    });
    expect(planDirectTransform('/p/handlers/pipeline.ts', consumer, 'esm')).toStrictEqual({ tsconfigRaw: { compilerOptions: { target: 'ES2022', strict: true } } });
    expect(planDirectTransform('/p/cdk.out/copy.ts', consumer, 'esm')).toStrictEqual({ tsconfigRaw: undefined });
  });

  const esModuleCases: readonly [string, ReturnType<typeof planDirectTransform>][] = [
    ['/p/job.ts', { tsconfigRaw: undefined }],
    ['/p/job.mts', { tsconfigRaw: undefined }],
    ['/p/job.cts', { tsxReason: '.cts modules are loaded by tsx' }],
    ['/p/job.tsx', { tsxReason: '.tsx modules are loaded by tsx' }],
  ];
  it.each(esModuleCases)('an ES module at %s', (path, expected) => {
    expect(planDirectTransform(path, undefined, 'esm')).toStrictEqual(expected);
  });
});

describe('findEsModuleTsxReason: Node loads what the transformed ES module imports, or tsx does', () => {
  const shared = '/app/node_modules/stepops/dist/index.js';
  const resolution = { isSharedEntry: (file: string) => file === shared };
  // esbuild prints every static import and re-export as below, one per line.
  const cases: readonly [string, string, TsconfigFacts | undefined, string | undefined][] = [
    ['builtins', 'import { readFileSync } from "node:fs";\nimport path from "path";', undefined, undefined],
    [
      'installed packages (Node resolves them; one it cannot load fails before anything runs)',
      'import { job } from "stepops";\nimport * as z from "zod";\nexport { x } from "lodash";',
      undefined,
      undefined,
    ],
    [
      'the shared entry by absolute path, by file URL and by relative path',
      `import { op } from "${shared}";\nimport "file://${shared}";\nimport { job } from "../node_modules/stepops/dist/index.js";`,
      undefined,
      undefined,
    ],
    ['a local file written .js (tsx may map it to .ts)', 'import { value } from "./helper.js";', undefined, './helper.js: a local file, which tsx loads'],
    ['a side-effect import of a local file', 'import "../setup.js";', undefined, '../setup.js: a local file, which tsx loads'],
    ['a re-export of a local file', 'export * from "./ops.js";', undefined, './ops.js: a local file, which tsx loads'],
    ['an absolute path that is not the shared entry', 'import { a } from "/app/lib/a.js";', undefined, '/app/lib/a.js: a local file, which tsx loads'],
    ['an escaped specifier', 'import { x } from "./he\\u006cper.js";', undefined, './helper.js: a local file, which tsx loads'],
    [
      'a bare name under tsconfig paths',
      'import { job } from "stepops";',
      tsconfigAt('/app/tsconfig.json', { compilerOptions: { paths: {} } }),
      'stepops: /app/tsconfig.json has paths or baseUrl, which tsx applies',
    ],
    ['a builtin under tsconfig baseUrl', 'import fs from "node:fs";', tsconfigAt('/app/tsconfig.json', { compilerOptions: { baseUrl: '.' } }), undefined],
    ['a dynamic import', 'import { job } from "stepops";\nconst later = () => import("zod");', undefined, 'the module uses import(): tsx resolves it'],
    ['a string that only looks like an import', 'const text = "import from";\nconsole.log(text);', undefined, undefined],
  ];
  it.each(cases)('%s', (_label, code, tsconfig, expected) => {
    expect(findEsModuleTsxReason(code, '/app/src/job.ts', tsconfig, resolution)).toBe(expected);
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

describe('findRefusedRequire: a require in a JavaScript module that Node would refuse where tsx would not', () => {
  const files: Record<string, string> = {
    stepops: '/app/node_modules/stepops/dist/index.js',
    zod: '/app/node_modules/zod/index.cjs',
    './helper.js': '/app/helper.js',
    './helper.cjs': '/app/helper.cjs',
    './ops.ts': '/app/ops.ts',
    './ops.mjs': '/app/ops.mjs',
    './esm.js': '/app/esm/index.js',
  };
  const resolution: RequireResolution = {
    resolve: (specifier) => files[specifier],
    isSharedEntry: (file) => file === '/app/node_modules/stepops/dist/index.js',
    isCommonJsFile: (file) => !file.startsWith('/app/esm/'),
  };
  const cases: readonly [string, string, string | undefined][] = [
    [
      'builtins, the shared entry (an ES module, in the require cache), CommonJS files',
      "require('node:fs'); require('stepops'); require('zod'); require(\"./helper.js\"); require( './helper.cjs' );",
      undefined,
    ],
    ['a TypeScript file', "const { a } = require('./ops.ts');", './ops.ts: /app/ops.ts is not a CommonJS file, which tsx transforms'],
    ['an .mjs file', 'require("./ops.mjs");', './ops.mjs: /app/ops.mjs is not a CommonJS file, which tsx transforms'],
    ['a .js file of an ES package', "require('./esm.js');", './esm.js: /app/esm/index.js is an ES module, which tsx transforms'],
    ['a specifier Node cannot resolve (./ops beside ops.ts)', "require('./ops');", './ops: Node cannot resolve it, tsx may'],
    ['the first refused one, in order', "require('zod'); require('./ops'); require('./ops.ts');", './ops: Node cannot resolve it, tsx may'],
    ['a computed require is left to the native attempt', 'const name = "./ops.ts"; require(name);', undefined],
    ['mismatched quotes are not a literal', 'require(\'./ops.ts");', undefined],
  ];
  it.each(cases)('%s', (_label, source, expected) => {
    expect(findRefusedRequire(source, resolution)).toBe(expected);
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
      fileLists: { outputDirectories: [] },
    });
  });

  it('reads TSX_TSCONFIG_PATH instead when it is set, absolute or relative to the current directory', () => {
    const folder = writeTsconfig('{}');
    writeFileSync(join(folder, 'src', 'other.json'), '{ "include": ["../../elsewhere"] }');
    const expected = {
      path: join(folder, 'src', 'other.json'),
      compilerOptions: {},
      listsFiles: true,
      reachesOutside: true,
      fileLists: { include: ['../../elsewhere'], outputDirectories: [] },
    };
    expect(findTsconfig(folder, 'src/other.json')).toStrictEqual(expected);
    expect(findTsconfig(tmpdir(), join(folder, 'src', 'other.json'))).toStrictEqual(expected);
  });

  it('leaves compilerOptions unknown when the file extends another or is not JSON', () => {
    expect(findTsconfig(writeTsconfig('{ "extends": "@tsconfig/node20/tsconfig.json", "compilerOptions": {} }'), undefined)?.compilerOptions).toBeUndefined();
    expect(findTsconfig(writeTsconfig('{ "compilerOptions": '), undefined)?.compilerOptions).toBeUndefined();
  });
});
