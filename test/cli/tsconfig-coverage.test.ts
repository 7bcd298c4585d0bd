import { describe, expect, it } from 'vitest';
import { decideTsconfigCoverage, type TsconfigFileLists } from '../../lib/cli/tsconfig-coverage.js';

const TSCONFIG = '/app/tsconfig.json';

describe("decideTsconfigCoverage: whether tsx applies a tsconfig.json's options to a module (TypeScript's files / include / exclude)", () => {
  const none: TsconfigFileLists = { outputDirectories: [] };
  const cases: readonly [string, TsconfigFileLists, string, boolean | undefined][] = [
    ['no lists: every file under its directory', none, '/app/src/job.ts', true],
    ['no lists: outDir is excluded', { outputDirectories: ['dist'] }, '/app/dist/job.ts', false],
    ['include **/*.ts (a consumer project)', { include: ['**/*.ts'], exclude: ['node_modules', 'cdk.out'], outputDirectories: [] }, '/app/handlers/pipeline.ts', true],
    ['include **/*.ts, the module at the top', { include: ['**/*.ts'], outputDirectories: [] }, '/app/job.ts', true],
    ['include **/*.ts, an .mts module', { include: ['**/*.ts'], outputDirectories: [] }, '/app/job.mts', false],
    ['include **/* covers .mts', { include: ['**/*'], outputDirectories: [] }, '/app/job.mts', true],
    ['include a directory', { include: ['src'], outputDirectories: [] }, '/app/src/deep/job.ts', true],
    ['include a directory, module elsewhere', { include: ['src'], outputDirectories: [] }, '/app/test/job.ts', false],
    ['include ./src/**/*', { include: ['./src/**/*'], outputDirectories: [] }, '/app/src/a/b/job.ts', true],
    ['include src/* (one level)', { include: ['src/*'], outputDirectories: [] }, '/app/src/a/job.ts', false],
    ['include src/*.ts, a direct child', { include: ['src/*.ts'], outputDirectories: [] }, '/app/src/job.ts', true],
    ['include a file', { include: ['jobs/main.ts'], outputDirectories: [] }, '/app/jobs/main.ts', true],
    ['files only, the module listed', { files: ['job.ts'], outputDirectories: [] }, '/app/job.ts', true],
    ['files only, the module not listed', { files: ['other.ts'], outputDirectories: [] }, '/app/job.ts', false],
    ['files win over exclude', { files: ['job.ts'], exclude: ['.'], outputDirectories: [] }, '/app/job.ts', true],
    ['excluded directory', { include: ['**/*'], exclude: ['scripts'], outputDirectories: [] }, '/app/scripts/job.ts', false],
    ['exclude given: outDir is no longer excluded', { include: ['**/*'], exclude: ['tmp'], outputDirectories: ['dist'] }, '/app/dist/job.ts', true],
    ['include reaching outside', { include: ['../shared/**/*'], outputDirectories: [] }, '/shared/jobs/job.ts', true],
    ['a glob in exclude: left to tsx', { include: ['**/*'], exclude: ['**/*.spec.ts'], outputDirectories: [] }, '/app/job.ts', undefined],
    ['a wildcard in a directory name: left to tsx', { include: ['src/*-jobs/*.ts'], outputDirectories: [] }, '/app/src/a-jobs/job.ts', undefined],
    ['? in a pattern: left to tsx', { include: ['src/jo?.ts'], outputDirectories: [] }, '/app/src/job.ts', undefined],
    ['a dot-directory under a wildcard: left to tsx', { include: ['**/*'], outputDirectories: [] }, '/app/.jobs/job.ts', undefined],
    ['node_modules under a wildcard: left to tsx', { include: ['**/*'], outputDirectories: [] }, '/app/node_modules/x/job.ts', undefined],
    ['one decidable match wins over an undecidable pattern', { include: ['src/jo?.ts', 'src'], outputDirectories: [] }, '/app/src/job.ts', true],
  ];
  it.each(cases)('%s', (_label, lists, file, expected) => {
    expect(decideTsconfigCoverage(TSCONFIG, lists, file)).toBe(expected);
  });
});
