// What the fork commands share: the bundle re-rendered in the workspace, and a one-line failure.
import { execFileSync } from 'node:child_process';

/** Re-renders the Kubernetes bundle and the compose file from the blueprints (`npm run bundle:render`). */
export function renderBundle(root: string): void {
  execFileSync('npm', ['run', '--silent', 'bundle:render'], { cwd: root, stdio: 'inherit' });
}

/** Runs `main`, printing an error as one line and exiting 1. */
export function runCommand(main: () => void): void {
  try {
    main();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
