// Lint rules for the whole workspace; `npm run lint` runs it with no warnings allowed.
import js from '@eslint/js';
import { createProjectGraphAsync } from '@nx/devkit';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// @nx/enforce-module-boundaries reads Nx's cached project graph and skips itself, with only a printed
// warning, when there is none (a fresh clone, CI). Computing the graph here makes the rule always run.
// No daemon: a lint run should not leave a background process behind.
process.env.NX_DAEMON ??= 'false';
await createProjectGraphAsync({ exitOnError: true });

/** Client and driver packages for the broker and the stores: only core and testing libs touch them. */
const infrastructureClients = ['amqplib', 'pg', 'ioredis'];

/**
 * Dependency rules between projects, by the tags in each package.json (`nx.tags`). A project must
 * satisfy every constraint whose sourceTag it carries, so the two tag dimensions combine.
 * Nothing lists type:app or type:tooling, so no project can import an app or the workspace's tooling.
 */
function depConstraints({ allowTesting }) {
  const testing = allowTesting ? ['type:testing'] : [];
  return [
    // What kind of code may depend on what.
    {
      sourceTag: 'type:contract',
      onlyDependOnLibsWithTags: ['type:util'],
      bannedExternalImports: infrastructureClients,
    },
    {
      sourceTag: 'type:core',
      onlyDependOnLibsWithTags: ['type:contract', 'type:core', 'type:util', ...testing],
    },
    {
      sourceTag: 'type:adapter',
      onlyDependOnLibsWithTags: ['type:core', 'type:contract', 'type:util', ...testing],
      bannedExternalImports: infrastructureClients,
    },
    {
      sourceTag: 'type:testing',
      onlyDependOnLibsWithTags: ['type:core', 'type:contract', 'type:util', 'type:testing'],
    },
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: ['type:adapter', 'type:core', 'type:contract', 'type:util', ...testing],
      bannedExternalImports: infrastructureClients,
    },
    {
      sourceTag: 'type:util',
      onlyDependOnLibsWithTags: ['type:util', ...testing],
      bannedExternalImports: infrastructureClients,
    },
    // Workspace tooling (the Nx plugin's generators) reads and writes files only, and its tests may start
    // nodes with the testing helpers; nothing lists it, so no project can import it.
    {
      sourceTag: 'type:tooling',
      onlyDependOnLibsWithTags: ['type:util', ...testing],
      bannedExternalImports: infrastructureClients,
    },
    // Which node type may depend on what: the front-end never reaches logic or service data libs.
    { sourceTag: 'node:front-end', onlyDependOnLibsWithTags: ['node:front-end', 'node:shared'] },
    { sourceTag: 'node:logic', onlyDependOnLibsWithTags: ['node:logic', 'node:shared'] },
    { sourceTag: 'node:service', onlyDependOnLibsWithTags: ['node:service', 'node:shared'] },
    { sourceTag: 'node:shared', onlyDependOnLibsWithTags: ['node:shared'] },
  ];
}

const moduleBoundaries = (allowTesting) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: depConstraints({ allowTesting }),
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', '.tools/**', '**/coverage/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(false),
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Tests (unit specs, each project's test/ and e2e/ folders) and benchmarks may use the testing helpers;
    // production code may not.
    files: ['**/*.spec.ts', '**/test/**/*.ts', '**/e2e/**/*.ts', '**/bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(true),
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  prettier,
);
