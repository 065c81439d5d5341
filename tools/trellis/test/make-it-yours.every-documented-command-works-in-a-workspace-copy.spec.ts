// Runs every command of docs/make-it-yours.md, in order, in a copy of the repository: the generators, then the
// type-check, lint, bundle check and the new nodes' tests (against the real broker and Postgres).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WorkspaceCopy } from './workspace-copy';
import { copyWorkspace, repositoryRoot, runIn } from './workspace-copy';

/** A documented command, and whether the doc says it fails until the generated handlers are written. */
interface DocumentedCommand {
  readonly command: string;
  readonly failsUntilWritten: boolean;
}

/** The lines of the doc's ```sh blocks, in order. */
function documentedCommands(markdown: string): DocumentedCommand[] {
  const commands: DocumentedCommand[] = [];
  for (const block of markdown.matchAll(/^```sh( fails-until-written)?\n([\s\S]*?)^```$/gm)) {
    for (const line of (block[2] ?? '').split('\n')) {
      if (line.trim() !== '')
        commands.push({ command: line.trim(), failsUntilWritten: block[1] !== undefined });
    }
  }
  return commands;
}

const doc = readFileSync(join(repositoryRoot, 'docs/make-it-yours.md'), 'utf-8');
let copy: WorkspaceCopy;

beforeAll(() => {
  copy = copyWorkspace();
});

afterAll(() => {
  copy?.remove();
});

it('runs every command of docs/make-it-yours.md: generators, type-check, lint, bundle check, tests', () => {
  const commands = documentedCommands(doc);
  expect(commands.length).toBeGreaterThanOrEqual(10);
  let dryRunChecked = false;
  for (const { command, failsUntilWritten } of commands) {
    const result = runIn(copy, command);
    process.stdout.write(
      `${result.exitCode === 0 ? 'ok  ' : 'FAIL'} ${Math.round(result.ms)} ms  ${command}\n`,
    );
    if (failsUntilWritten) {
      // The stubs throw "not implemented", and the examples still pass.
      expect(result.exitCode, result.output).not.toBe(0);
      expect(result.output).toContain('is not implemented yet');
      expect(result.output).toMatch(/Tests\s.*\d+ failed.*\d+ passed/);
      continue;
    }
    expect(result.exitCode, `${command}\n${result.output}`).toBe(0);
    if (command.includes('--dry-run')) {
      expect(result.output).toContain('CREATE apps/inventory/src/inventory.handlers.ts');
      expect(existsSync(join(copy.root, 'apps/inventory'))).toBe(false);
      dryRunChecked = true;
    }
  }
  expect(dryRunChecked).toBe(true);
  // npm start's blueprint runs the new nodes, and the bundle deploys them.
  expect(readFileSync(join(copy.root, 'deploy/blueprint.yaml'), 'utf-8')).toContain(
    'script: apps/pricing/src/main.ts',
  );
  expect(existsSync(join(copy.root, 'k8s/base/inventory.yaml'))).toBe(true);
  // The gateway serves the generated routes through the families' API modules.
  expect(readFileSync(join(copy.root, 'apps/gateway/src/api-modules.ts'), 'utf-8')).toMatch(
    /inventoryApi[\s\S]*notesApi|notesApi[\s\S]*inventoryApi/,
  );
  // Twenty-odd commands, among them three type-checks, lint and the new nodes' tests: minutes, not seconds.
}, 600_000);
