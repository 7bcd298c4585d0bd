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
      // Passing on a caught rejection (typed unknown) is not making one up; a literal reason stays an error.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // In a test a wrong `!` fails the test on that line; the rule guards library and example code.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests throw strings, plain objects and undefined on purpose, to check how the wrapper and runner report them.
      '@typescript-eslint/only-throw-error': 'off',
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
