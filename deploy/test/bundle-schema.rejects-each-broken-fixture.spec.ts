// The schema step accepts valid objects of every kind the bundle uses, and rejects, naming the object and
// the field, an unknown field, a wrong type, a missing required field and a kind nothing validates: for
// built-in kinds, KEDA, cert-manager, the Gateway API and the operators' CRDs alike.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { formatFindings } from '../bundle-checks/finding';
import { parseManifests, refOf } from '../bundle-checks/kube-object';
import type { KubeObject } from '../bundle-checks/kube-object';
import { renderKustomization } from '../bundle-checks/render-overlay';
import { checkSchemas } from '../bundle-checks/schema/bundle-schema';
import { crdDirectory, loadCrdValidators } from '../bundle-checks/schema/crd-schema';
import type { CrdValidators } from '../bundle-checks/schema/crd-schema';
import { timed } from '../bundle-checks/step-timer';

const REPOSITORY = resolve(__dirname, '..', '..');
const FIXTURES = join(__dirname, 'fixtures');
const EXPECT = 'fixture.trellis.dev/expect';

/** Read when the file loads, so that each broken object is its own named test. */
const BROKEN: readonly KubeObject[] = parseManifests(
  readFileSync(join(FIXTURES, 'schema', 'broken.yaml'), 'utf8'),
  'broken.yaml',
);

let crds: CrdValidators;

beforeAll(async () => {
  crds = await timed('load the CRDs', () => loadCrdValidators(crdDirectory(REPOSITORY)));
});

describe('schema step on fixtures', () => {
  it('accepts the good fixture bundle (built-in kinds and KEDA)', async () => {
    const { objects } = await renderKustomization(join(FIXTURES, 'bundle'));
    const report = await timed('validate the fixture bundle', () => checkSchemas(objects, crds));
    expect(formatFindings(report.findings)).toBe('(none)');
    expect(report.validatedBy.none).toBe(0);
  });

  it('accepts a valid custom resource of every operator and model package', async () => {
    const objects = parseManifests(
      await readFile(join(FIXTURES, 'schema', 'good-custom-resources.yaml'), 'utf8'),
      'good',
    );
    const report = await checkSchemas(objects, crds);
    expect(formatFindings(report.findings)).toBe('(none)');
    // RabbitmqCluster, Vhost, User, Permission, Policy, Queue, Cluster by CRD; KEDA, cert-manager, Gateway API by models.
    expect(report.validatedBy).toEqual({ 'kubernetes-models': 0, '@kubernetes-models': 4, CRD: 7, none: 0 });
  });

  it('has a broken fixture, with what it must fail, for each kind of defect', () => {
    process.stdout.write(
      `[bundle-checks] broken schema fixtures: ${BROKEN.length}, CRD kinds loaded: ${crds.byKind.size}\n`,
    );
    expect(BROKEN.length).toBeGreaterThanOrEqual(15);
    expect(
      BROKEN.filter((object) => !/^schema\.[a-z-]+ \| ./.test(object.metadata.annotations?.[EXPECT] ?? '')),
    ).toEqual([]);
  });

  it.each(BROKEN.map((object) => ({ ref: refOf(object), object })))(
    'rejects $ref with the finding it names',
    async ({ object }) => {
      const [rule = '', pattern = ''] = (object.metadata.annotations?.[EXPECT] ?? '').split(' | ');
      const { findings } = await checkSchemas([object], crds);
      const expected = findings.filter(
        (finding) =>
          finding.rule === rule &&
          finding.object === refOf(object) &&
          new RegExp(pattern).test(finding.message),
      );
      expect(
        expected,
        `${refOf(object)} should fail ${rule} /${pattern}/; findings were:\n${formatFindings(findings)}`,
      ).not.toHaveLength(0);
    },
  );

  it('refuses a CRD folder that does not exist, naming it, rather than skipping custom resources', async () => {
    const missing = join(FIXTURES, 'no-such-crd-folder');
    expect(crdDirectory(REPOSITORY, { TRELLIS_CRD_DIR: missing })).toBe(missing);
    await expect(loadCrdValidators(missing)).rejects.toThrow(
      /no-such-crd-folder cannot be read .*TRELLIS_CRD_DIR/,
    );
  });
});
