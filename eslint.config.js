// Lint: ESLint's and typescript-eslint's recommended rules, nothing of our own beyond what the code base needs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'console/dist/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        clearImmediate: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        DOMException: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        Headers: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
      },
    },
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring a field away, a required parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Tests and the CLI read the API's JSON answers as they come; migrations and the SQL adapters build
    // queries over tables the migrations define (Kysely<any>, as Kysely's own migration docs do), behind typed ports.
    files: [
      'test/**',
      '**/*.test.ts',
      'src/cli/**',
      'src/store/migrations.ts',
      'src/store/sql/**',
      'src/store/sqlite/**',
      'src/store/postgres/**',
    ],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
