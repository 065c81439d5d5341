// Commands the template's tests run in a workspace copy: each printed as it ends (so a slow or failing step is
// visible in the test's output), and checked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

import type { CommandResult, WorkspaceCopy } from './workspace-copy';
import { repositoryRoot, runIn } from './workspace-copy';

/** The type-check every copy must pass. */
export const typeCheck = 'npx tsc -p tsconfig.json --noEmit';

/** Prints how a command went: `ok` or `FAIL`, its duration, the command. */
export function printResult(result: CommandResult): void {
  process.stdout.write(
    `${result.exitCode === 0 ? 'ok  ' : 'FAIL'} ${Math.round(result.ms)} ms  ${result.command}\n`,
  );
}

/** Runs `command` in the copy, prints how it went and expects it to succeed. */
export function check(copy: WorkspaceCopy, command: string, timeoutMs = 120_000): CommandResult {
  const result = runIn(copy, command, timeoutMs);
  printResult(result);
  expect(result.exitCode, `${command}\n${result.output}`).toBe(0);
  return result;
}

/** The commands of the ```sh fork blocks of docs/make-it-yours.md under the heading `heading`. */
export function forkCommands(heading: string): string[] {
  const doc = readFileSync(join(repositoryRoot, 'docs/make-it-yours.md'), 'utf-8');
  const section = doc.split(/^## /m).find((part) => part.startsWith(heading)) ?? '';
  return [...section.matchAll(/^```sh fork\n([\s\S]*?)^```$/gm)].flatMap((block) =>
    (block[1] ?? '').split('\n').filter((line) => line.trim() !== ''),
  );
}
