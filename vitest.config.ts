// Two projects: fast unit tests beside the code, and integration/fault tests against the real services.
import swc from 'unplugin-swc';
import { defaultServerConditions } from 'vite';
import { defineConfig, defineProject } from 'vitest/config';
import type { UserWorkspaceConfig } from 'vitest/config';

import { SummaryReporter } from './tools/vitest/summary-reporter';

// Workspace packages export their TypeScript source under this condition (see each lib's package.json).
// Vitest also hands these conditions to Node (`--conditions`) for the dependencies it leaves to Node, so the
// bundler-only `module` condition is left out: with it Node loads ESM builds it cannot run (those of
// @opentelemetry/api, whose imports have no file extensions, as soon as the OpenTelemetry SDK is imported).
const conditions = [
  '@trellis/source',
  ...defaultServerConditions.filter((condition) => condition !== 'module'),
];

/** One test project with what every project shares: the SWC transform and the source condition. */
function project(test: NonNullable<UserWorkspaceConfig['test']>): UserWorkspaceConfig {
  return defineProject({
    // SWC instead of the default transform, because NestJS needs legacy decorators with emitted metadata.
    plugins: [
      swc.vite({
        tsconfigFile: false,
        jsc: {
          target: 'es2023',
          keepClassNames: true,
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
      }),
    ],
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    test: { environment: 'node', ...test },
  });
}

export default defineConfig({
  test: {
    reporters: ['default', new SummaryReporter()],
    // A project without test files yet (a new lib or app) must not fail the run.
    passWithNoTests: true,
    projects: [
      project({
        name: 'unit',
        include: [
          'libs/*/src/**/*.spec.ts',
          'apps/*/src/**/*.spec.ts',
          'tools/*/src/**/*.spec.ts',
          'deploy/test/**/*.spec.ts',
        ],
        sequence: { groupOrder: 1 },
      }),
      project({
        name: 'integration',
        include: [
          'libs/*/test/**/*.spec.ts',
          'apps/*/test/**/*.spec.ts',
          'apps/*/e2e/**/*.spec.ts',
          'tools/*/test/**/*.spec.ts',
        ],
        // Fault tests restart the one shared broker, so integration files never overlap, and the
        // later group order keeps them from running beside the unit project too. Both orders are
        // non-zero on purpose: vitest moves single-worker projects with order 0 to the end of the run.
        fileParallelism: false,
        sequence: { groupOrder: 2 },
        testTimeout: 120_000,
        hookTimeout: 120_000,
      }),
    ],
  },
});
