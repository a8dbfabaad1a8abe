// Layers point down: renderer and server may use shared/, the seat core may use shared/,
// only electron/main may import 'electron'. The import rules below keep each folder to
// the runtime its path names.
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = {
  group: ['node:*'],
  message: 'shared/ and renderer/ are runtime-free: no Node built-ins.',
};
const electron = { name: 'electron', message: "Only electron/main may import 'electron'." };
const upward = (dirs) => ({
  group: dirs.map((d) => `**/${d}/**`),
  message: 'This layer may not import from that folder.',
});

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'renderer/dist', 'bench/results', 'test-results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electron], patterns: [nodeBuiltins, upward(['server', 'electron', 'renderer'])] },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        { paths: [electron], patterns: [nodeBuiltins, upward(['server', 'electron'])] },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/host/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electron], patterns: [upward(['server', 'renderer', 'main'])] },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electron], patterns: [upward(['electron', 'renderer'])] },
      ],
    },
  },
);
