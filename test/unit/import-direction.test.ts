import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN section 2: policy <- job <- asl <- {runner, cdk, cli}; io and handler use policy, job
 * and errors (handler also io), so a Lambda bundle never contains aws-cdk-lib, jsonata or the
 * runner; only lib/io imports @aws-sdk/client-s3. The wrapper's coordination store for
 * `concurrency: 'exact'` (lib/handler) loads @aws-sdk/client-dynamodb and @aws-sdk/client-sfn on
 * first use; both are the Lambda runtime's, external to the bundle.
 */
const LIB = resolve(import.meta.dirname, '../../lib');

// For each layer, the lib layers it may import and the packages it must not.
const RULES: Record<string, { layers: string[]; forbiddenPackages: RegExp[] }> = {
  errors: { layers: [], forbiddenPackages: [/.*/] },
  policy: { layers: ['errors', 'policy'], forbiddenPackages: [/.*/] },
  // job may name @standard-schema/spec, a package of types only (op configSchema).
  job: { layers: ['errors', 'policy', 'job'], forbiddenPackages: [/^(?!node:|@standard-schema\/spec$).*/] },
  asl: { layers: ['errors', 'policy', 'job', 'asl'], forbiddenPackages: [/^aws-cdk-lib/, /^constructs/, /^@aws-sdk\//, /^commander/] },
  io: { layers: ['errors', 'policy', 'job', 'io'], forbiddenPackages: [/^(?!node:|@aws-sdk\/client-s3$).*/] },
  handler: {
    layers: ['errors', 'policy', 'job', 'io', 'handler'],
    forbiddenPackages: [/^aws-cdk-lib/, /^constructs/, /^jsonata/, /^@aws-sdk\/(?!client-dynamodb$|client-sfn$)/, /^commander/],
  },
  runner: { layers: ['errors', 'policy', 'job', 'asl', 'io', 'handler', 'runner'], forbiddenPackages: [/^aws-cdk-lib/, /^constructs/, /^commander/] },
  cdk: { layers: ['errors', 'policy', 'job', 'asl', 'io', 'cdk'], forbiddenPackages: [/^@aws-sdk\//, /^commander/] },
  cli: { layers: ['errors', 'policy', 'job', 'asl', 'io', 'handler', 'runner', 'cli'], forbiddenPackages: [/^aws-cdk-lib/, /^constructs/] },
  index: { layers: ['errors', 'policy', 'job', 'asl', 'io', 'handler', 'runner', 'index'], forbiddenPackages: [/^aws-cdk-lib/, /^constructs/, /^commander/] },
};

function listSourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return listSourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(file: string): string {
  const [first] = relative(LIB, file).split('/');
  return first!.replace(/\.(ts|js)$/, '');
}

function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  // Static imports and re-exports start a line; dynamic imports and module-level requires
  // (`createRequire(import.meta.url)('jsonata')`, how the runner loads jsonata) may stand anywhere.
  const pattern =
    /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|createRequire\(import\.meta\.url\)\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const match of source.matchAll(pattern)) specifiers.push((match[1] ?? match[2] ?? match[3])!);
  return specifiers;
}

describe('import direction (DESIGN section 2)', () => {
  const files = listSourceFiles(LIB);

  it('finds the library sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((file) => [relative(LIB, file), file]))('%s imports only what its layer may', (_name, file) => {
    const layer = layerOf(file);
    const rule = RULES[layer];
    expect(rule, `no import rule for layer "${layer}"`).toBeDefined();
    const problems: string[] = [];
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = layerOf(resolve(dirname(file), specifier));
        if (!rule!.layers.includes(target)) problems.push(`${specifier} (layer ${target})`);
      } else if (rule!.forbiddenPackages.some((pattern) => pattern.test(specifier)) && !specifier.startsWith('node:')) {
        problems.push(`${specifier} (package)`);
      }
    }
    expect(problems).toStrictEqual([]);
  });

  it('imports @aws-sdk/client-s3 only in lib/io', () => {
    const importers = files.filter((file) => importsOf(readFileSync(file, 'utf8')).includes('@aws-sdk/client-s3')).map((file) => relative(LIB, file));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((file) => !file.startsWith('io/'))).toStrictEqual([]);
  });
});
