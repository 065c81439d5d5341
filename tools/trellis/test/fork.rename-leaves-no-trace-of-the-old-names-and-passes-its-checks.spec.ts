// A fork renames itself in one step: `npm run rename` (the `sh fork` block of docs/make-it-yours.md's "Rename a
// fork", which the documentation test leaves out: it would change the copy its other commands run in) leaves no
// trace of the old names, in a copy of the repository that then type-checks, lints, passes its unit tests and its
// bundle check.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { check, forkCommands, typeCheck } from './checked-commands';
import type { WorkspaceCopy } from './workspace-copy';
import { copyWorkspace, runIn } from './workspace-copy';

let copy: WorkspaceCopy;

beforeAll(() => {
  copy = copyWorkspace();
});

afterAll(() => {
  copy?.remove();
});

describe('a fork renames itself', () => {
  it('rewrites every name, and the copy type-checks, lints, passes its unit tests and its bundle check', () => {
    const refused = runIn(copy, 'npm run --silent rename -- Acme acme-shop');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.output).toContain('"Acme" is not an npm scope');
    expect(runIn(copy, 'npm run --silent rename -- acme Acme_Shop').output).toContain('is not kebab-case');

    const commands = forkCommands('Rename a fork');
    expect(commands).toEqual(['npm run rename -- acme acme-shop']);
    for (const command of commands) check(copy, command);
    const leftovers = runIn(
      copy,
      'grep -rIil trellis --exclude-dir=node_modules --exclude-dir=.tools --exclude-dir=dist . || true',
    );
    expect(leftovers.output.trim()).toBe('');
    expect(existsSync(join(copy.root, 'tools/acme-shop/generators.json'))).toBe(true);
    expect(readFileSync(join(copy.root, 'libs/bus/package.json'), 'utf-8')).toContain('"@acme/bus"');
    const namespace = readFileSync(join(copy.root, 'k8s/base/kustomization.yaml'), 'utf-8');
    expect(namespace).toMatch(/namespace: acme-shop/);

    check(copy, 'npm run bundle:check');
    check(copy, typeCheck);
    check(copy, 'npx eslint apps/gateway libs/contracts tools/acme-shop --max-warnings=0');
    const unit = check(copy, 'npx vitest run --project unit', 180_000);
    expect(unit.output).toMatch(/tests: \d+ passed, 0 failed/);
  }, 180_000);
});
