// Step 3 of the bundle checks on the real bundle: every overlay, rendered, follows every policy rule
// against the blueprint it is rendered from (deploy/blueprints/<overlay>.yaml).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { loadBlueprint } from '@trellis/supervisor';
import { describe, expect, it } from 'vitest';

import { formatFindings } from '../bundle-checks/finding';
import { checkPolicy, POLICY_RULES } from '../bundle-checks/policy/policy-rules';
import { renderKustomization } from '../bundle-checks/render-overlay';
import { timed } from '../bundle-checks/step-timer';
import { blueprintOf, OVERLAYS, overlayDirectory, REPOSITORY } from './support/overlays';

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  it(`follows all ${POLICY_RULES.length} policy rules`, async () => {
    const { objects } = await timed(`render ${overlay}`, () =>
      renderKustomization(overlayDirectory(overlay)),
    );
    const blueprint = await loadBlueprint(blueprintOf(overlay), {});
    const readme = await readFile(join(REPOSITORY, 'README.md'), 'utf8');
    const findings = await timed(
      `policy ${overlay} (${POLICY_RULES.length} rules, ${objects.length} objects)`,
      () => checkPolicy({ objects, blueprint, readme }),
    );
    process.stdout.write(`[bundle-checks] policy ${overlay}: ${findings.length} findings\n`);
    expect(formatFindings(findings)).toBe('(none)');
  });
});
