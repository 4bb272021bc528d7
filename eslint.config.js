// ESLint flat config: bugs, not layout. Prettier owns layout (`.prettierrc.json`); eslint-config-prettier, last,
// switches off every rule that would fight it.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import vue from 'eslint-plugin-vue'
import { defineConfig, globalIgnores } from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default defineConfig(
  globalIgnores(['**/node_modules/', '**/dist/', 'data/', 'coverage/', '.tmp/', 'server/data/']),

  js.configs.recommended,
  tseslint.configs.recommended,
  vue.configs['flat/recommended'],
  {
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    // The browser app, and browser tests whose callbacks run in the page.
    files: ['web/src/**/*.{ts,vue}', 'web/e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
  },
  {
    rules: {
      // `==` only for the deliberate `x == null` (null or undefined).
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // `_`-prefixed names are deliberately unused (placeholders, omitted rest siblings).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // House style runs side effects in `a && f()` and `c ? f() : g()`; a bare unused value is still an error.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // The input checks exist to find control characters (NUL, C0) in text: matching them is the point.
      'no-control-regex': 'off',
      // Kysely's `sql\`now()\`` in typed updates and CommonJS default-export interop need `any` at a few edges.
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    // Kysely migrations take `Kysely<any>` (the schema is what they build); tests poke at shapes on purpose.
    files: ['server/src/db/migrations/**', '**/*.test.ts', 'server/test/**', 'bench/**', 'web/e2e/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
)
