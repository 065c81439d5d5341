// `npm run test:image`: the node image built for real and the dev overlay's manifests run with it. Lints
// docker/Dockerfile, builds the image on the base image (or its local stand-in), renders k8s/overlays/dev,
// and runs one container per node Deployment exactly as the manifest describes it (command, args,
// environment, user, read-only root filesystem, Service names), with this machine's RabbitMQ, Redis and
// PostgreSQL standing in for the overlay's StatefulSets. Passes when every readiness probe passes, the gateway
// answers its cluster view and the journeys of ./gateway-journeys.ts (the bookshop's login → cart → order)
// succeed through it, and every container, stopped as the kubelet
// stops it, exits 0 within its grace period. Needs root and podman (the stand-in script installs it).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { waitFor } from '@trellis/testing';

import { renderKustomization } from '../bundle-checks/render-overlay';
import { bundlePodsOf } from './bundle-pods';
import { CleanUp } from './clean-up';
import { planContainer } from './container-plan';
import type { ContainerPlan } from './container-plan';
import { startHostRelay } from './host-relay';
import { checkImageContents } from './image-contents';
import { buildImage, checkImageConfig, imageConfig, lintDockerfile, runVisibly } from './image-build';
import { configSourcesOf } from './pod-environment';
import { startPod, stopPod, waitUntilReady } from './pod-runner';
import { containerLogs, podman } from './podman';
import { createPodNetwork } from './pod-network';
import { provisionPlaces } from './run-places';
import { PID_LABEL, podNameOf, RUN_LABEL, sweepInterruptedRuns } from './run-support';
import { call, expectStatus } from './gateway-calls';
import { gatewayJourneys } from './gateway-journeys';

const ROOT = resolve(__dirname, '../..');
const DOCKERFILE = 'docker/Dockerfile';
/**
 * The kustomization to run, relative to the repository root: the dev overlay, or another one named by
 * TRELLIS_IMAGE_TEST_OVERLAY (e.g. a copy with one field broken, to see the test fail for it).
 */
const OVERLAY = process.env['TRELLIS_IMAGE_TEST_OVERLAY'] ?? 'k8s/overlays/dev';
/** The tag the dev overlay's `images:` entry gives every node Deployment. */
const IMAGE = 'localhost/trellis-node:dev';
/** How long the gateway may take, once every pod is ready, to route by complete keyed rings. */
const JOURNEY_DEADLINE_MS = 60_000;

const say = (line: string): void => {
  process.stdout.write(`[image-test] ${line}\n`);
};

async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  say(`${name} …`);
  try {
    return await work();
  } finally {
    say(`${name}: ${Math.round(performance.now() - started)} ms`);
  }
}

async function runImageTest(cleanUp: CleanUp): Promise<void> {
  const runId = randomBytes(3).toString('hex');
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
  const labels = { [RUN_LABEL]: runId, [PID_LABEL]: String(process.pid) };

  await step(`lint ${DOCKERFILE} (dockerfilelint)`, () => lintDockerfile(ROOT, DOCKERFILE));
  const contents = await step('assemble the image contents without a container engine', async () => {
    const out = await mkdtemp(join(tmpdir(), 'trellis-image-contents-'));
    cleanUp.add(`folder ${out}`, () => rm(out, { recursive: true, force: true }));
    await runVisibly('bash', ['scripts/assemble-image.sh', out], ROOT);
    return checkImageContents(ROOT, out);
  });
  say(
    `${contents.files} files: ${contents.workspaces.length} workspaces, ${contents.lockedPackages} locked production packages`,
  );
  await step('base image node:24-bookworm-slim (stand-in built when missing)', () =>
    runVisibly('bash', ['scripts/image-base-stand-in.sh'], ROOT),
  );
  const swept = await step('remove what interrupted runs left', sweepInterruptedRuns);
  if (swept > 0) say(`removed ${swept} container(s) and network(s) of interrupted runs`);
  const built = await step(`build ${IMAGE}`, () => buildImage(ROOT, DOCKERFILE, IMAGE, version));
  say(
    `image ${built.id.slice(0, 12)}: ${(built.sizeBytes / 1e6).toFixed(0)} MB, ${built.cachedSteps} of ${built.steps} steps from cache`,
  );
  const config = await step('check the image (user, entrypoint, OCI labels)', async () => {
    const inspected = await imageConfig(IMAGE);
    checkImageConfig(inspected, version);
    return inspected;
  });

  const rendered = await step(`render ${OVERLAY}`, () => renderKustomization(resolve(ROOT, OVERLAY)));
  const bundle = bundlePodsOf(rendered.objects);
  for (const deployment of bundle.deployments) {
    const image = deployment.spec.template.spec.containers[0]?.image;
    if (image !== IMAGE)
      throw new Error(`Deployment ${deployment.metadata.name} runs ${String(image)}, not ${IMAGE}`);
  }
  say(
    `${bundle.deployments.length} node Deployments; this machine stands in for ${bundle.backingServices.map((s) => s.service).join(', ')}`,
  );

  const provisioned = await step('create the run’s vhost, database and key prefix', () =>
    provisionPlaces(runId),
  );
  cleanUp.add('vhost, database and key prefix', async () => {
    const { redisKeys } = await provisioned.remove();
    say(
      `removed vhost ${provisioned.places.vhost}, database ${provisioned.places.database}, ${redisKeys} Redis keys`,
    );
  });

  const network = `trellis-image-${runId}`;
  const gatewayAddress = await step('create the pods’ network and relay the backing services', async () => {
    const { gateway } = await createPodNetwork(network, IMAGE, labels, cleanUp);
    cleanUp.add('containers', async () => {
      const ids = (
        await podman(['ps', '--all', '--quiet', '--filter', `label=${RUN_LABEL}=${runId}`])
      ).trim();
      if (ids !== '') await podman(['rm', '--force', '--time', '0', ...ids.split('\n')]);
    });
    const ports = bundle.backingServices.flatMap((service) => service.ports.map((port) => port.port));
    const relay = await startHostRelay(gateway, ports);
    cleanUp.add('relay', () => relay.close());
    say(`relaying ${relay.listening.join(' ')} to 127.0.0.1`);
    return gateway;
  });

  const sources = configSourcesOf(rendered.objects);
  const plans: ContainerPlan[] = bundle.deployments.map((deployment) => {
    const podName = podNameOf(deployment.metadata.name);
    return planContainer(deployment, {
      sources,
      places: provisioned.places,
      podName,
      containerName: `${network}-${deployment.metadata.name}`,
      labels,
      imageUser: config.user,
      placement: {
        network,
        aliases: (bundle.servicesOf.get(deployment.metadata.name) ?? []).flatMap((route) => route.hostNames),
        hosts: bundle.backingServices.flatMap((route) =>
          route.hostNames.map((host) => `${host}:${gatewayAddress}`),
        ),
      },
    });
  });
  for (const plan of plans) {
    say(
      `${plan.deployment}: pod ${plan.podName}, ${plan.isolatedVariables.join(', ') || 'no variable'} pointed at the run`,
    );
  }

  await step(`start ${plans.length} pods`, () => Promise.all(plans.map(startPod)));
  const ready = await step('wait for every readiness probe', () =>
    Promise.all(plans.map((plan) => waitUntilReady(plan, network))),
  );
  plans.forEach((plan, index) => say(`${plan.deployment} ready after ${ready[index]?.readyMs ?? '?'} ms`));

  const frontEnd = bundle.frontEnd;
  const frontEndAddress = ready[plans.findIndex((plan) => plan.deployment === frontEnd?.deployment)]?.address;
  if (frontEnd === undefined || frontEndAddress === undefined) {
    throw new Error(`${OVERLAY} has no front-end Deployment with a Service port named http`);
  }
  const gatewayUrl = `http://${frontEndAddress}:${frontEnd.port}`;
  // The platform's own route: the gateway hears its own heartbeat over the bus, whatever domain it serves.
  const liveNodes = await step('GET /v1/cluster through the gateway lists the gateway', () =>
    waitFor(
      async () => {
        const reply = await call(gatewayUrl, 'GET', '/v1/cluster', { timeoutMs: 2_000 });
        expectStatus('the cluster view', reply, 200);
        const nodes = (reply.body as { liveNodes: Array<{ nodeId: string; family: string }> }).liveNodes;
        return nodes.some((node) => node.family === frontEnd.deployment) ? nodes : undefined;
      },
      { timeoutMs: JOURNEY_DEADLINE_MS, intervalMs: 250, description: 'the gateway in its own cluster view' },
    ),
  );
  say(`live nodes: ${liveNodes.map((node) => node.nodeId).join(', ')}`);
  for (const journey of gatewayJourneys) {
    const lines = await step(journey.name, () =>
      journey.run(gatewayUrl, JOURNEY_DEADLINE_MS).catch(async (error: unknown) => {
        // What each node said last is what tells why a journey failed.
        const logs = await Promise.all(
          plans.map(async (plan) => `--- ${plan.deployment} ---\n${await containerLogs(plan.containerName)}`),
        );
        throw new Error(`${String(error)}\n${logs.join('\n')}`, { cause: error });
      }),
    );
    for (const line of lines) say(`  ${line}`);
  }

  const stops = await step('stop every pod (preStop hook, SIGTERM, grace period)', () =>
    Promise.all(plans.map(stopPod)),
  );
  for (const stop of stops) {
    say(
      `${stop.deployment}: exit ${stop.exitCode} after ${stop.totalMs} ms (preStop ${stop.preStopMs} ms, grace ${stop.graceSeconds} s)${stop.clean ? '' : '  ← NOT CLEAN'}`,
    );
  }
  const unclean = stops.filter((stop) => !stop.clean);
  if (unclean.length > 0) {
    const logs = await Promise.all(
      unclean.map(
        async (stop) => `--- ${stop.deployment} ---\n${await containerLogs(`${network}-${stop.deployment}`)}`,
      ),
    );
    throw new Error(
      `${unclean.map((stop) => stop.deployment).join(', ')} did not exit 0 within the grace period\n${logs.join('\n')}`,
    );
  }
}

async function main(): Promise<number> {
  const cleanUp = new CleanUp();
  const started = performance.now();
  let finished: Promise<void> | undefined;
  // Once, whether the run ends or a signal interrupts it.
  const finish = (): Promise<void> =>
    (finished ??= (async () => {
      const failures = await step('clean up (containers, network, relay, vhost, database, keys)', () =>
        cleanUp.runAll(),
      );
      for (const failure of failures) say(`clean-up failed: ${failure}`);
      say(`total: ${Math.round(performance.now() - started)} ms`);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: cleaning up`);
      void finish().finally(() => process.exit(130));
    });
  }
  try {
    await runImageTest(cleanUp);
    say('PASS: the image runs every node of the dev overlay as its manifest says');
    return 0;
  } catch (error) {
    say(`FAIL: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await finish();
  }
}

// Exit at once: when a pod fails, the other pods' probe loops would otherwise keep the process alive until
// their own deadlines, long after the clean-up removed what they poll.
void main().then((code) => process.exit(code));
