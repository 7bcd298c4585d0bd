import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a user gets it: `npm pack`, then a fresh project outside the repository
 * installs the tarball (with npm's cache, warm after `npm ci`; --prefer-offline) beside
 * aws-cdk-lib, constructs, typescript, aws-cdk, esbuild and tsx at the versions this repository
 * pins. It imports every subpath from plain `node`, type-checks under a consumer's strictest
 * settings, runs `npx stepops run` on a TypeScript job module, bundles a Lambda entry with
 * esbuild, and runs `npx cdk synth` on the README's "A complete stack" files, verbatim.
 *
 * Time: about 1 to 3 minutes on 2 shared cores, most of it the clean build of prepack,
 * installing aws-cdk-lib into the project, and type-checking aws-cdk-lib's declarations
 * (skipLibCheck false).
 */
const REPO_ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const MINUTES = 60_000;

/** What the tarball may hold: dist/ (the bundle's entry points and chunks, declarations) and these four files. */
const TOP_LEVEL_FILES = ['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json'];
const DIST_FILE = /^dist\/([a-z0-9/-]+\.(js|d\.ts)|chunks\/[a-z-]+-[A-Z0-9]+\.js)$/;

/** Each subpath package.json exports (`stepops`, `stepops/handler`, ...) and its source index. */
const SUBPATHS: Record<string, string> = Object.fromEntries(
  Object.entries((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string }> }).exports).map(([subpath, conditions]) => [
    subpath === '.' ? 'stepops' : `stepops/${subpath.slice(2)}`,
    join(REPO_ROOT, conditions.types.replace(/^\.\/dist\//, 'lib/').replace(/\.d\.ts$/, '.ts')),
  ]),
);

/** The strictest settings a consumer may compile with; skipLibCheck false checks our .d.ts. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    exactOptionalPropertyTypes: true,
    noPropertyAccessFromIndexSignature: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noUnusedLocals: true,
    skipLibCheck: false,
    noEmit: true,
    types: ['node'],
  },
  include: ['**/*.ts'],
  exclude: ['node_modules', 'cdk.out'],
};

/** Uses every subpath's main entry points, so that their declarations are read and checked. */
const CONSUMER_SOURCE = `import { RetryPolicy, compileJob, job, op, runJobLocally, type RunResult } from 'stepops';
import { jobHandler, type LambdaHandler } from 'stepops/handler';
import { runStateMachine, VirtualClock } from 'stepops/runner';
import { JobStateMachine, type JobStateMachineProps } from 'stepops/cdk';

const hello = op({ name: 'hello', retryPolicy: new RetryPolicy({ maxRetries: 1 }) }, async (ctx) => \`hello \${ctx.retryNumber}\`);
export const helloJob = job({ name: 'hello_job' }, () => {
  hello();
});
export const helloHandler: LambdaHandler = jobHandler(helloJob);
const result: RunResult = await runJobLocally(helloJob, { seed: 1, writeLog: () => {} });
const compiled = compileJob(helloJob);
const direct = await runStateMachine(compiled.definition, { clock: new VirtualClock(), taskHandlers: { hello: async () => 'stubbed' } });
const props: Pick<JobStateMachineProps, 'job' | 'entry'> = { job: helloJob, entry: 'consumer.ts' };
console.log(result.status, direct.status, props.entry, typeof JobStateMachine);
`;

/** The files README's "A complete stack" shows, keyed by the path it names before each block. */
function readCompleteStack(): Record<string, string> {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### A complete stack'), readme.indexOf('\n### ', readme.indexOf('### A complete stack') + 1));
  const files: Record<string, string> = {};
  for (const match of section.matchAll(/^`([\w./-]+)`:[^\n]*\n\n```(?:ts|json)\n([\s\S]*?)\n```/gm)) files[match[1]!] = `${match[2]!}\n`;
  return files;
}

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

let project: string;
let packedFiles: string[];
const stack = readCompleteStack();

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'stepops-consumer-'));
  // prepack runs: a clean build of dist/.
  const { stdout } = await run('npm', ['pack', '--json', '--silent', '--pack-destination', project], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  packedFiles = packed.files.map((file) => file.path).sort();
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  writeFileSync(join(project, 'tsconfig.json'), `${JSON.stringify(CONSUMER_TSCONFIG, null, 2)}\n`);
  writeFileSync(join(project, 'consumer.ts'), CONSUMER_SOURCE);
  for (const [path, text] of Object.entries(stack)) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), text);
  }
  const companions = ['aws-cdk-lib', 'constructs', 'esbuild', 'tsx', 'typescript', 'aws-cdk', '@types/node'].map((name) => `${name}@${installedVersion(name)}`);
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', `./${packed.filename}`, ...companions], {
    cwd: project,
    maxBuffer: 64 * 1024 * 1024,
  });
}, 10 * MINUTES);

afterAll(() => {
  if (project !== undefined) rmSync(project, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds only dist/ (JavaScript and declarations), README.md, LICENSE, CHANGELOG.md and package.json', () => {
    expect(packedFiles.filter((path) => !TOP_LEVEL_FILES.includes(path) && !DIST_FILE.test(path))).toStrictEqual([]);
    expect(packedFiles).toEqual(expect.arrayContaining([...TOP_LEVEL_FILES, 'dist/index.js', 'dist/index.d.ts', 'dist/cli/bin.js']));
  });

  it('imports every subpath from plain node, with the names the sources export', async () => {
    const program = `const names = {};
for (const subpath of ${JSON.stringify(Object.keys(SUBPATHS))}) names[subpath] = Object.keys(await import(subpath)).sort();
console.log(JSON.stringify(names));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program], { cwd: project });
    const expected: Record<string, string[]> = {};
    for (const [subpath, source] of Object.entries(SUBPATHS)) expected[subpath] = Object.keys((await import(source)) as object).sort();
    expect(Object.keys(expected)).toStrictEqual(['stepops', 'stepops/handler', 'stepops/runner', 'stepops/cdk']);
    expect(JSON.parse(stdout)).toStrictEqual(expected);
  });

  it(
    'type-checks under strict, exactOptionalPropertyTypes, noPropertyAccessFromIndexSignature, noUncheckedIndexedAccess and skipLibCheck false',
    async () => {
      const outcome = await run(join(project, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: project, maxBuffer: 64 * 1024 * 1024 }).then(
        () => '',
        (error: unknown) => (error as { stdout: string }).stdout,
      );
      const errors = outcome.split('\n').filter((line) => /error TS\d+/.test(line));
      // aws-cdk-lib's own declarations do not compile under exactOptionalPropertyTypes with
      // skipLibCheck false (about 55 errors in a project that imports only aws-cdk-lib); every
      // other file, stepops' declarations and the consumer's code among them, must be clean.
      expect(errors.filter((line) => !line.startsWith('node_modules/aws-cdk-lib/'))).toStrictEqual([]);
    },
    5 * MINUTES,
  );

  it(
    'runs `npx stepops run` on a TypeScript job module',
    async () => {
      const { stdout } = await run('npx', ['--no-install', 'stepops', 'run', 'handlers/pipeline.ts', '--seed', '1'], { cwd: project });
      expect(stdout).toContain('stepops run pipeline (2 ops from handlers/pipeline.ts; virtual clock, seed 1)');
      expect(stdout).toContain('SUCCEEDED');
      expect(stdout).toContain('Output: {"load":{"loaded":42}}');
    },
    2 * MINUTES,
  );

  it(
    'loads an ES-module TypeScript job that imports the package with esbuild alone (no tsx), from its own file URL',
    async () => {
      const probe = [
        "import { RetryPolicy, job, op } from 'stepops';",
        'console.log(`url ${import.meta.url}`);',
        "const greet = op({ name: 'greet', retryPolicy: new RetryPolicy({ maxRetries: 1 }) }, (ctx) => {",
        "  if (ctx.retryNumber === 0) throw new Error('first attempt fails');",
        "  return 'hi';",
        '});',
        "export const probeJob = job({ name: 'probe_job' }, () => {",
        '  greet();',
        '});',
        '',
      ].join('\n');
      mkdirSync(join(project, 'probe'), { recursive: true });
      writeFileSync(join(project, 'probe/job.ts'), probe);
      const { stdout } = await run('npx', ['--no-install', 'stepops', 'run', 'probe/job.ts', '--json'], { cwd: project });
      expect(stdout.split('\n')[0]).toBe(`url file://${join(project, 'probe/job.ts')}?stepops-load=1`);
      const document = JSON.parse(stdout.slice(stdout.indexOf('\n') + 1)) as { status: string; ops: { name: string; attempts: number }[] };
      expect(document).toMatchObject({ status: 'SUCCEEDED', ops: [{ name: 'greet', attempts: 2 }] });
    },
    2 * MINUTES,
  );

  it(
    'bundles a Lambda entry with esbuild without a warning, and without the runner, the compiler or jsonata, installed or linked',
    async () => {
      // Installed (node_modules/stepops), and as a linked or workspace checkout is (a copy outside
      // node_modules, where esbuild reports each bare import that "sideEffects": false drops).
      cpSync(join(project, 'node_modules/stepops'), join(project, 'linked/stepops'), { recursive: true });
      const body = [
        "const fetch = op({ name: 'fetch', retryPolicy: new RetryPolicy({ maxRetries: 2, delay: 1 }) }, async () => 1);",
        "export const handler = jobHandler(job({ name: 'bundled' }, () => { fetch(); }));",
        '',
      ];
      mkdirSync(join(project, 'bundle'), { recursive: true });
      const entries = {
        installed: ["import { RetryPolicy, job, op } from 'stepops';", "import { jobHandler } from 'stepops/handler';"],
        linked: ["import { RetryPolicy, job, op } from '../linked/stepops/dist/index.js';", "import { jobHandler } from '../linked/stepops/dist/handler/index.js';"],
      };
      for (const [name, imports] of Object.entries(entries)) writeFileSync(join(project, `bundle/${name}.mjs`), [...imports, ...body].join('\n'));
      // What NodejsFunction runs: the project's esbuild, bundling for Node as ESM.
      const program = `const esbuild = await import('esbuild');
const warnings = {};
for (const name of ${JSON.stringify(Object.keys(entries))}) {
  const result = await esbuild.build({ entryPoints: [\`bundle/\${name}.mjs\`], bundle: true, platform: 'node', format: 'esm', outfile: \`bundle/\${name}.out.mjs\`, external: ['@aws-sdk/*'], logLevel: 'silent' });
  warnings[name] = result.warnings.map((warning) => warning.text);
}
console.log(JSON.stringify(warnings));`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program], { cwd: project });
      expect(JSON.parse(stdout)).toStrictEqual({ installed: [], linked: [] });
      for (const name of Object.keys(entries)) {
        const bundled = readFileSync(join(project, `bundle/${name}.out.mjs`), 'utf8');
        expect(bundled).toContain('function jobHandler(');
        expect(bundled).not.toMatch(/function (runStateMachine|compileJob)\(|["']jsonata["']/);
      }
    },
    2 * MINUTES,
  );

  it(
    "synthesizes the README's complete stack with `npx cdk synth`",
    async () => {
      expect(Object.keys(stack).sort()).toStrictEqual(['cdk.json', 'handlers/pipeline.ts', 'infra/app.ts']);
      await run('npx', ['--no-install', 'cdk', 'synth', '--quiet'], { cwd: project, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' }, maxBuffer: 64 * 1024 * 1024 });
      const template = JSON.parse(readFileSync(join(project, 'cdk.out/Pipeline.template.json'), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      };
      const types = Object.values(template.Resources).map((resource) => resource.Type);
      expect(types.filter((type) => type === 'AWS::StepFunctions::StateMachine')).toHaveLength(1);
      expect(types.filter((type) => type === 'AWS::Lambda::Function')).toHaveLength(1);
      expect(types).toContain('AWS::Scheduler::Schedule');
      // The function's code is the bundled handler: an asset directory with its index.mjs.
      const assets = readdirSync(join(project, 'cdk.out')).filter((entry) => entry.startsWith('asset.'));
      expect(assets.some((asset) => readdirSync(join(project, 'cdk.out', asset)).includes('index.mjs'))).toBe(true);
    },
    5 * MINUTES,
  );
});
