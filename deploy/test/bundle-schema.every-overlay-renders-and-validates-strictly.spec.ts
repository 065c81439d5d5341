// Steps 1 and 2 of the bundle checks on the real bundle: every overlay renders offline with kubectl's
// kustomize, and every rendered object validates against Kubernetes 1.33 models (kubernetes-models), the
// strict round trip of @kubernetes/client-node, the KEDA, cert-manager and Gateway API models, or its
// operator's CRD, with unknown fields rejected and no object left unvalidated.
import { beforeAll, describe, expect, it } from 'vitest';

import { formatFindings } from '../bundle-checks/finding';
import { renderKustomization } from '../bundle-checks/render-overlay';
import { checkSchemas } from '../bundle-checks/schema/bundle-schema';
import { crdDirectory, loadCrdValidators } from '../bundle-checks/schema/crd-schema';
import type { CrdValidators } from '../bundle-checks/schema/crd-schema';
import { timed } from '../bundle-checks/step-timer';
import { OVERLAYS, overlayDirectory, REPOSITORY } from './support/overlays';

let crds: CrdValidators;

beforeAll(async () => {
  crds = await timed('load the CRDs', () => loadCrdValidators(crdDirectory(REPOSITORY)));
});

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  it('renders, and every object validates with unknown fields rejected', async () => {
    const { objects } = await timed(`render ${overlay}`, () =>
      renderKustomization(overlayDirectory(overlay)),
    );
    expect(objects.length).toBeGreaterThan(0);
    const report = await timed(`schema ${overlay} (${objects.length} objects)`, () =>
      checkSchemas(objects, crds),
    );
    const { validatedBy } = report;
    process.stdout.write(
      `[bundle-checks] schema ${overlay}: kubernetes-models ${validatedBy['kubernetes-models']}, @kubernetes-models ${validatedBy['@kubernetes-models']}, CRD ${validatedBy.CRD}, none ${validatedBy.none}, findings ${report.findings.length}\n`,
    );
    expect(formatFindings(report.findings)).toBe('(none)');
  });
});
