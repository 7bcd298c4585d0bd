// typescript-eslint's strict, type-aware rule sets (strictTypeChecked + stylisticTypeChecked, types
// from tsconfig.json through the project service), run by `npm run lint`. A rule turned off or
// loosened below says why in one line; no file disables a rule inline.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'cdk.out/', 'wip/'] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // tsconfig's noUncheckedIndexedAccess makes every index read `T | undefined`; a `!` there marks an index the code has bounded (graph arrays, regex groups).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers in messages ("at most 99999999 seconds") are the point of most templates; objects, undefined and any stay errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Op, Task and IO handlers are async by contract: an async body without await is how one returns a value.
      '@typescript-eslint/require-await': 'off',
      // No-op callbacks (a disposer, a progress listener nobody needs) are deliberate here.
      '@typescript-eslint/no-empty-function': 'off',
      // `() => resolve()` and `(line) => out.push(line)` read as callbacks, not as values.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // A leading underscore names a value kept only to leave it out (`const { a: _a, ...rest } = x`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Reviewed 38 findings, none a bug: TypeScript types JSON.stringify as string (it gives undefined), narrows flags set in callbacks, and our validations check typed arguments that JavaScript callers may break.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // require.cache is a plain object keyed by path: deleting its entries is how a job module is unloaded.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // Passing on a caught rejection (typed unknown) is not making one up; a literal reason stays an error.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests throw strings, plain objects and undefined on purpose, to check how the wrapper and runner report them.
      '@typescript-eslint/only-throw-error': 'off',
      // Tests match terminal escape codes (\u001b[32m) on purpose.
      'no-control-regex': 'off',
      // Matchers (expect.any), CDK's Template.toJSON() and playwright's in-page callbacks are typed any; tests read them only to assert on them.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
