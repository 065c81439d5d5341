// What runs once the generated files are on disk (never in a dry run): the bundle rendering, then what is left
// to the user.
import { execFileSync } from 'node:child_process';
import type { GeneratorCallback } from '@nx/devkit';
import { logger } from '@nx/devkit';

/**
 * Renders the Kubernetes bundle and the compose file from the blueprints the generator edited
 * (`npm run bundle:render`), so that the bundle check passes with no hand edit, then prints `nextSteps`.
 */
export function renderBundleThen(workspaceRoot: string, nextSteps: readonly string[]): GeneratorCallback {
  return () => {
    execFileSync('npm', ['run', '--silent', 'bundle:render'], { cwd: workspaceRoot, stdio: 'inherit' });
    if (nextSteps.length > 0) logger.info(['Next:', ...nextSteps.map((step) => `  ${step}`)].join('\n'));
  };
}
