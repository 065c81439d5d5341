// Runs one planned pod: start its container, wait for its probes as the kubelet would, and stop it as the
// kubelet does (preStop hook, then SIGTERM, SIGKILL at the end of the grace period), checking it exited 0 in
// time.
import { setTimeout as sleep } from 'node:timers/promises';

import { waitFor } from '@trellis/testing';

import type { ContainerPlan, ProbeCheck } from './container-plan';
import { containerAddress, containerLogs, containerState, podman, ULIMITS } from './podman';

/** Starts the container of `plan` (detached). */
export async function startPod(plan: ContainerPlan): Promise<void> {
  await podman(['run', ...ULIMITS, ...plan.runArguments]);
}

async function probeOnce(address: string, probe: ProbeCheck): Promise<number> {
  const url = `${probe.scheme.toLowerCase()}://${address}:${probe.port}${probe.path}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.status;
}

/** Kubernetes counts an HTTP probe as passed for any status from 200 to 399. */
const passes = (status: number): boolean => status >= 200 && status < 400;

/** How one pod became ready. */
export interface PodReadiness {
  readonly address: string;
  /** Milliseconds from the start of waiting until the readiness probe passed. */
  readonly readyMs: number;
}

/**
 * Waits until `plan`'s readiness probe passes on the container's address, within the startup probe's
 * budget plus the readiness probe's, then checks its startup and liveness probes pass as well.
 *
 * @throws Error with the container's last log lines when it exits, a probe fails, or time runs out.
 */
export async function waitUntilReady(plan: ContainerPlan, network: string): Promise<PodReadiness> {
  const started = performance.now();
  const budget = plan.probes
    .filter((probe) => probe.kind !== 'liveness')
    .reduce((total, probe) => total + probe.budgetMs, 0);
  const readiness = plan.probes.find((probe) => probe.kind === 'readiness');
  if (readiness === undefined) throw new Error(`${plan.deployment}: no readiness probe`);
  try {
    const address = await containerAddress(plan.containerName, network);
    // Kubernetes would wait out the whole budget; an exited container or a path the server does not have
    // (404 from node-kit's health server, whose routes exist from its first request) cannot get better.
    const outcome = await waitFor(
      async () => {
        const state = await containerState(plan.containerName);
        if (!state.running) return `the container exited with code ${state.exitCode}`;
        const status = await probeOnce(address, readiness);
        if (status === 404) return `the readiness probe's path ${readiness.path} answers 404`;
        return passes(status) ? 'ready' : false;
      },
      {
        timeoutMs: budget,
        intervalMs: 250,
        description: `${plan.deployment}'s readiness probe ${readiness.path} on port ${readiness.port}`,
      },
    );
    if (outcome !== 'ready') throw new Error(outcome);
    const readyMs = Math.round(performance.now() - started);
    for (const probe of plan.probes.filter((candidate) => candidate !== readiness)) {
      const status = await probeOnce(address, probe);
      if (!passes(status))
        throw new Error(`${probe.kind} probe ${probe.path} on port ${probe.port} answered ${status}`);
    }
    return { address, readyMs };
  } catch (error) {
    const logs = await containerLogs(plan.containerName);
    throw new Error(
      `${plan.deployment} did not become ready: ${String(error)}\n--- ${plan.containerName} logs ---\n${logs}`,
      {
        cause: error,
      },
    );
  }
}

/** How one pod stopped. */
export interface PodStop {
  readonly deployment: string;
  readonly exitCode: number;
  readonly preStopMs: number;
  /** Milliseconds from the start of the preStop hook until the container had exited. */
  readonly totalMs: number;
  readonly graceSeconds: number;
  /** Whether it exited 0, was not OOM-killed, and within its grace period. */
  readonly clean: boolean;
}

/**
 * Stops `plan`'s container as the kubelet does when its pod is deleted: runs the preStop hook, then sends
 * SIGTERM (`podman stop`) and SIGKILL if it is still running when the grace period is over.
 */
export async function stopPod(plan: ContainerPlan): Promise<PodStop> {
  const started = performance.now();
  const hook = plan.preStop;
  if (hook?.kind === 'exec') {
    await podman(['exec', plan.containerName, ...hook.command], {
      timeoutMs: plan.terminationGraceSeconds * 1000,
    });
  } else if (hook?.kind === 'sleep') {
    await sleep(hook.seconds * 1000);
  }
  const preStopMs = Math.round(performance.now() - started);
  // What is left of the grace period after the hook; the kubelet gives SIGTERM at least 2 seconds.
  const remainingSeconds = Math.max(2, Math.floor(plan.terminationGraceSeconds - preStopMs / 1000));
  await podman(['stop', '--time', String(remainingSeconds), plan.containerName], {
    timeoutMs: (remainingSeconds + 30) * 1000,
  });
  const totalMs = Math.round(performance.now() - started);
  const state = await containerState(plan.containerName);
  return {
    deployment: plan.deployment,
    exitCode: state.exitCode,
    preStopMs,
    totalMs,
    graceSeconds: plan.terminationGraceSeconds,
    clean:
      !state.running &&
      state.exitCode === 0 &&
      !state.oomKilled &&
      totalMs <= plan.terminationGraceSeconds * 1000,
  };
}
