// ESLint (flat config), run by `make lint` and test/unit/lint.test.ts: correctness rules, with
// type information from tsconfig.json for the TypeScript files, and the layout rules the code
// already follows (@stylistic). No formatter rewrites the files: prettier, with options near the
// code's (single quotes, printWidth 100 to 160), would change 214-233 of 247 files.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

const layout = {
  '@stylistic/semi': ['error', 'always'],
  '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
  '@stylistic/indent': ['error', 2, { ignoreComments: true }],
  '@stylistic/no-trailing-spaces': 'error',
  '@stylistic/eol-last': 'error',
  '@stylistic/linebreak-style': ['error', 'unix'],
  '@stylistic/no-multiple-empty-lines': ['error', { max: 2, maxEOF: 1 }],
  '@stylistic/keyword-spacing': 'error',
  '@stylistic/space-before-blocks': 'error',
  '@stylistic/object-curly-spacing': ['error', 'always'],
  '@stylistic/array-bracket-spacing': ['error', 'never'],
  '@stylistic/comma-spacing': 'error',
  '@stylistic/comma-style': 'error',
  '@stylistic/comma-dangle': ['error', 'always-multiline'],
  '@stylistic/key-spacing': 'error',
  '@stylistic/space-infix-ops': 'error',
  '@stylistic/arrow-spacing': 'error',
  '@stylistic/arrow-parens': ['error', 'always'],
  '@stylistic/member-delimiter-style': ['error', { multilineDetection: 'last-member' }],
  '@stylistic/type-annotation-spacing': 'error',
  '@stylistic/function-call-spacing': 'error',
  '@stylistic/semi-spacing': 'error',
  '@stylistic/block-spacing': 'error',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'bin/', 'dist/', 'native/', 'src/spec/generated/', 'test/prog/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: { '@stylistic': stylistic },
    rules: {
      ...layout,
      eqeqeq: ['error', 'always'],
      'no-var': 'error',
      'prefer-const': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // child_process is loaded lazily on purpose (it pulls in net and stream at start-up)
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^node:child_process$'] }],
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // tap's t.test(): tap awaits its subtests itself
        allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/no-duplicate-type-constituents': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/return-await': 'error',
      '@typescript-eslint/restrict-plus-operands': 'error',
    },
  },
  {
    // build scripts: plain Node modules outside tsconfig.json
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // tests feed ill-typed input on purpose, and write 2^64-1 as JSON.parse reads it (2^64)
      '@typescript-eslint/no-explicit-any': 'off',
      'no-loss-of-precision': 'off',
    },
  },
);
