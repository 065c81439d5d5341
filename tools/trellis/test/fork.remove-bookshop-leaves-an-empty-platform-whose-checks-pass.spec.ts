// A fork removes the bookshop in one step: `npm run remove-bookshop` (the `sh fork` block of
// docs/make-it-yours.md's "Remove the bookshop") leaves, in a copy of the repository, the empty platform: it
// type-checks, lints, passes every unit test and its bundle check, and its gateway starts alone and answers its
// health and cluster routes. The removal takes this test away with the bookshop: it runs once.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRabbitVhost, freePort, waitFor } from '@trellis/testing';
import type { RabbitVhost } from '@trellis/testing';
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

describe('a fork removes the bookshop', () => {
  let vhost: RabbitVhost | undefined;
  let gateway: ChildProcess | undefined;

  afterAll(async () => {
    if (gateway?.exitCode === null) {
      const exited = new Promise((resolve) => gateway?.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    await vhost?.delete();
  });

  it('leaves a platform that checks and whose gateway alone answers health and the cluster view', async () => {
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
    // The READMEs lose the bookshop's passages and stay formatted; the image test runs no bookshop journey.
    for (const readme of ['README.md', 'apps/gateway/README.md']) {
      const text = readFileSync(join(copy.root, readme), 'utf-8');
      expect(text, readme).not.toContain('<!-- bookshop -->');
      expect(text, readme).not.toMatch(/apps\/cart|POST \/v1\/orders/);
    }
    expect(readFileSync(join(copy.root, 'deploy/image-test/gateway-journeys.ts'), 'utf-8')).toContain(
      'gatewayJourneys: readonly GatewayJourney[] = []',
    );
    check(copy, 'npx prettier --check README.md apps/gateway/README.md deploy/image-test');
    const again = runIn(copy, 'npm run --silent remove-bookshop');
    expect(again.exitCode).not.toBe(0);
    expect(again.output).toContain('already removed');

    check(copy, 'npm run bundle:check');
    check(copy, typeCheck);
    check(copy, 'npx eslint apps libs/contracts libs/bus deploy/image-test --max-warnings=0');
    // The whole unit project: the deploy and generator tests keep fixtures of their own, not the bookshop's.
    const unit = check(copy, 'npx vitest run --project unit', 180_000);
    expect(unit.output).toMatch(/tests: \d+ passed, 0 failed/);

    vhost = await createRabbitVhost('fork-empty-gateway');
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
          AMQP_URL: vhost.url,
          DATA_PREFIX: `fork-test-${port}`,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const base = `http://127.0.0.1:${port}`;
    const live = await waitFor(
      async () => {
        const response = await fetch(`${base}/health/live`);
        return response.status === 200 ? response : undefined;
      },
      { timeoutMs: 30_000, description: 'the gateway to answer /health/live' },
    );
    expect(await live.json()).toEqual({ status: 'up' });
    const cluster = await waitFor(
      async () => {
        const response = await fetch(`${base}/v1/cluster`);
        const view = (await response.json()) as {
          interfaces: unknown[];
          liveNodes: { family: string }[];
          datasets: unknown[];
        };
        return view.liveNodes.length > 0 ? view : undefined;
      },
      { timeoutMs: 15_000, description: "the gateway's own heartbeat in /v1/cluster" },
    );
    process.stdout.write(`empty platform: /v1/cluster ${JSON.stringify(cluster)}\n`);
    expect(cluster.interfaces).toEqual([]);
    expect(cluster.datasets).toEqual([]);
    expect(cluster.liveNodes.map((node) => node.family)).toEqual(['gateway']);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
  }, 300_000);
});
