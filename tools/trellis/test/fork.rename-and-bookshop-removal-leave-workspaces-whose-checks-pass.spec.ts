// A fork's two one-step commands, each in its own copy of the repository: `npm run rename` leaves no trace of
// the old names and a workspace that type-checks, lints, passes its unit tests and its bundle check; `npm run
// remove-bookshop` leaves the empty platform, checked the same way, whose gateway starts alone and answers its
// health and cluster routes. Also runs the `sh fork` blocks of docs/make-it-yours.md (the documentation test
// leaves them out: they would change the copy its other commands run in).
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';

import type { CommandResult, WorkspaceCopy } from './workspace-copy';
import { copyWorkspace, repositoryRoot, runIn } from './workspace-copy';

const copies: WorkspaceCopy[] = [];

afterAll(() => {
  for (const copy of copies) copy.remove();
});

function freshCopy(): WorkspaceCopy {
  const copy = copyWorkspace();
  copies.push(copy);
  return copy;
}

/** Runs `command` in the copy, prints how it went and expects it to succeed. */
function check(copy: WorkspaceCopy, command: string, timeoutMs = 120_000): CommandResult {
  const result = runIn(copy, command, timeoutMs);
  process.stdout.write(
    `${result.exitCode === 0 ? 'ok  ' : 'FAIL'} ${Math.round(result.ms)} ms  ${command}\n`,
  );
  expect(result.exitCode, `${command}\n${result.output}`).toBe(0);
  return result;
}

/** The commands of the doc's ```sh fork blocks under `heading`. */
function forkCommands(heading: string): string[] {
  const doc = readFileSync(join(repositoryRoot, 'docs/make-it-yours.md'), 'utf-8');
  const section = doc.split(/^## /m).find((part) => part.startsWith(heading)) ?? '';
  return [...section.matchAll(/^```sh fork\n([\s\S]*?)^```$/gm)].flatMap((block) =>
    (block[1] ?? '').split('\n').filter((line) => line.trim() !== ''),
  );
}

// The plugin is tooling, which the module boundaries keep from @trellis/testing: its few helpers, spelled here.

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** A fresh RabbitMQ vhost for guest; returns its URL. */
function createVhost(name: string): string {
  execFileSync('rabbitmqctl', ['add_vhost', name], { stdio: 'ignore' });
  execFileSync('rabbitmqctl', ['set_permissions', '-p', name, 'guest', '.*', '.*', '.*'], {
    stdio: 'ignore',
  });
  return `amqp://guest:guest@127.0.0.1:5672/${name}`;
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs` naming `what`. */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const typeCheck = 'npx tsc -p tsconfig.json --noEmit';

describe('a fork renames itself', () => {
  it('rewrites every name, and the copy type-checks, lints, passes its unit tests and its bundle check', () => {
    const copy = freshCopy();
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

describe('a fork removes the bookshop', () => {
  const vhost = `fork-empty-gateway-${process.pid}-${Date.now()}`;
  let vhostCreated = false;
  let gateway: ChildProcess | undefined;

  afterAll(async () => {
    if (gateway?.exitCode === null) {
      const exited = new Promise((resolve) => gateway?.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    if (vhostCreated) execFileSync('rabbitmqctl', ['delete_vhost', vhost], { stdio: 'ignore' });
  });

  it('leaves a platform that checks and whose gateway alone answers health and the cluster view', async () => {
    const copy = freshCopy();
    const commands = forkCommands('Remove the bookshop');
    expect(commands).toEqual(['npm run remove-bookshop']);
    for (const command of commands) check(copy, command);
    for (const gone of [
      'apps/cart',
      'apps/payment-provider',
      'libs/contracts/src/bookshop',
      'k8s/base/cart.yaml',
    ]) {
      expect(existsSync(join(copy.root, gone)), gone).toBe(false);
    }
    expect(readFileSync(join(copy.root, 'deploy/blueprint.yaml'), 'utf-8')).not.toMatch(/^ {2}cart:/m);
    const again = runIn(copy, 'npm run --silent remove-bookshop');
    expect(again.exitCode).not.toBe(0);
    expect(again.output).toContain('already removed');

    check(copy, 'npm run bundle:check');
    check(copy, typeCheck);
    check(copy, 'npx eslint apps libs/contracts libs/bus --max-warnings=0');
    // The unit tests of the platform's nodes and libs (the deploy and generator tests still use the bookshop's
    // blueprints and apps as their fixtures: see the report in the docs).
    check(
      copy,
      'npx vitest run --project unit apps libs/contracts libs/bus libs/ring libs/data libs/node-kit',
    );

    const amqpUrl = createVhost(vhost);
    vhostCreated = true;
    const port = await freePort();
    gateway = spawn(
      'bash',
      [
        '-c',
        'source scripts/use-node-24.sh >/dev/null && exec node --conditions=@trellis/source --import tsx apps/gateway/src/main.ts',
      ],
      {
        cwd: copy.root,
        env: {
          ...process.env,
          GATEWAY_PORT: String(port),
          HEALTH_PORT: '0',
          AMQP_URL: amqpUrl,
          DATA_PREFIX: `fork-test-${port}`,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const base = `http://127.0.0.1:${port}`;
    const live = await waitFor('the gateway to answer /health/live', 30_000, async () => {
      const response = await fetch(`${base}/health/live`).catch(() => undefined);
      return response?.status === 200 ? response : undefined;
    });
    expect(await live.json()).toEqual({ status: 'up' });
    const cluster = await waitFor("the gateway's own heartbeat in /v1/cluster", 15_000, async () => {
      const response = await fetch(`${base}/v1/cluster`);
      const view = (await response.json()) as {
        interfaces: unknown[];
        liveNodes: { family: string }[];
        datasets: unknown[];
      };
      return view.liveNodes.length > 0 ? view : undefined;
    });
    process.stdout.write(`empty platform: /v1/cluster ${JSON.stringify(cluster)}\n`);
    expect(cluster.interfaces).toEqual([]);
    expect(cluster.datasets).toEqual([]);
    expect(cluster.liveNodes.map((node) => node.family)).toEqual(['gateway']);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
  });
});
