// The network the image test's pods share: a podman bridge network with DNS (so Service names resolve to
// the pods' containers), held up by a small container for the whole run, with the bridge's MAC address
// pinned.
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import type { CleanUp } from './clean-up';
import { podman, ULIMITS } from './podman';

const run = promisify(execFile);

/** A created pod network. */
export interface PodNetwork {
  readonly name: string;
  /** The bridge's address on the host: where the containers reach the host (and the relay listens). */
  readonly gateway: string;
}

/**
 * Creates network `name` and starts `<name>-holder` on it from `image`, registering both for clean-up.
 *
 * The holder exists because netavark creates the bridge, and with it the gateway address, only when a
 * first container joins. The MAC pin exists because a Linux bridge whose address was never set takes the
 * lowest address of its ports: when a stopping container's port happens to be that one, the bridge's address
 * changes, the other containers keep sending to the old one (their ARP entries are still valid), and their
 * connections to the host stall for half a minute. Netavark 1.4 (Debian 12) does not pin it; setting the
 * address once, to the one it has, makes the kernel keep it.
 */
export async function createPodNetwork(
  name: string,
  image: string,
  labels: Readonly<Record<string, string>>,
  cleanUp: CleanUp,
): Promise<PodNetwork> {
  const labelOptions = Object.entries(labels).map(([key, value]) => `--label=${key}=${value}`);
  await podman(['network', 'create', ...labelOptions, name]);
  cleanUp.add(`network ${name}`, () => podman(['network', 'rm', '--force', name]));
  cleanUp.add(`${name}-holder`, () => podman(['rm', '--force', '--time', '0', `${name}-holder`]));
  await podman([
    'run',
    ...ULIMITS,
    '--detach',
    '--pull=never',
    `--name=${name}-holder`,
    `--network=${name}`,
    ...labelOptions,
    '--read-only',
    '--entrypoint=["/usr/bin/tini","--","sleep","infinity"]',
    image,
  ]);

  const bridge = (await podman(['network', 'inspect', '--format', '{{.NetworkInterface}}', name])).trim();
  const address = (await readFile(`/sys/class/net/${bridge}/address`, 'utf8')).trim();
  await run('ip', ['link', 'set', 'dev', bridge, 'address', address]);

  const gateway = (
    await podman(['network', 'inspect', '--format', '{{range .Subnets}}{{.Gateway}}{{end}}', name])
  ).trim();
  if (gateway === '') throw new Error(`network ${name} has no gateway address`);
  return { name, gateway };
}
