// Small pieces of the image test's run: how it names pods, how it marks what it creates, and how it
// removes what a run killed before its clean-up left behind.
import { randomInt } from 'node:crypto';

import { podman } from './podman';

/** Marks the containers and network of one run with the run's id. */
export const RUN_LABEL = 'trellis.image-test.run';
/** Marks them with the test process's pid too, so a later run can tell whether their run is still alive. */
export const PID_LABEL = 'trellis.image-test.pid';

/** The characters Kubernetes uses in generated name suffixes (no vowels, no look-alike digits). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(length: number): string {
  return Array.from({ length }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');
}

/** A pod name as a Deployment's ReplicaSet makes one: `<deployment>-<template hash>-<random>`. */
export function podNameOf(deployment: string): string {
  return `${deployment}-${suffix(10)}-${suffix(5)}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the containers and networks of earlier runs whose test process no longer exists (killed before
 * it could clean up), and resolves with how many it removed. Runs still in progress are left alone.
 */
export async function sweepInterruptedRuns(): Promise<number> {
  const containers = await podman([
    'ps',
    '--all',
    '--filter',
    `label=${PID_LABEL}`,
    '--format',
    `{{.ID}} {{index .Labels "${PID_LABEL}"}}`,
  ]);
  const deadContainers = containers
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split(' '))
    .filter(([, pid]) => !alive(Number(pid)))
    .map(([id = '']) => id);
  if (deadContainers.length > 0) await podman(['rm', '--force', '--time', '0', ...deadContainers]);

  const networks = await podman(['network', 'ls', '--filter', `label=${PID_LABEL}`, '--format', '{{.Name}}']);
  let removedNetworks = 0;
  for (const name of networks
    .trim()
    .split('\n')
    .filter((line) => line !== '')) {
    const pid = await podman(['network', 'inspect', '--format', `{{index .Labels "${PID_LABEL}"}}`, name]);
    if (alive(Number(pid.trim()))) continue;
    await podman(['network', 'rm', '--force', name]);
    removedNetworks += 1;
  }
  return deadContainers.length + removedNetworks;
}
