// Step 5 on the real files: docker/compose.yaml validates against the Compose specification's schema, and
// agrees with the default blueprint (deploy/blueprint.yaml) and the dev overlay's Deployments.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { loadBlueprint } from '@trellis/supervisor';
import { describe, expect, it } from 'vitest';

import { checkComposeAgreement } from '../bundle-checks/compose/compose-agreement';
import type { ComposeFile } from '../bundle-checks/compose/compose-file';
import { parseCompose } from '../bundle-checks/compose/compose-file';
import { checkComposeSchema } from '../bundle-checks/compose/compose-schema';
import { formatFindings } from '../bundle-checks/finding';
import { renderKustomization } from '../bundle-checks/render-overlay';
import { timed } from '../bundle-checks/step-timer';
import { overlayDirectory, REPOSITORY } from './support/overlays';

const SOURCE = 'docker/compose.yaml';

describe(SOURCE, () => {
  it('follows the Compose specification and agrees with the blueprint and the dev overlay', async () => {
    const compose = parseCompose(await readFile(join(REPOSITORY, SOURCE), 'utf8'), SOURCE);
    const schemaFindings = await timed('compose schema', () => checkComposeSchema(compose, SOURCE));
    expect(formatFindings(schemaFindings)).toBe('(none)');
    const blueprint = await loadBlueprint(join(REPOSITORY, 'deploy', 'blueprint.yaml'), {});
    const { objects } = await timed('render dev for compose', () =>
      renderKustomization(overlayDirectory('dev')),
    );
    const findings = await timed('compose agreement', () =>
      checkComposeAgreement({
        compose: compose as ComposeFile,
        source: SOURCE,
        blueprint,
        manifests: objects,
      }),
    );
    process.stdout.write(
      `[bundle-checks] compose: ${Object.keys((compose as ComposeFile).services).length} services, ${findings.length} findings\n`,
    );
    expect(formatFindings(findings)).toBe('(none)');
  });
});
