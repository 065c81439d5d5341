// Runs every command of docs/make-it-yours.md, in order, in a copy of the repository: the generators, then the
// type-check, lint, bundle check and the new nodes' tests (against the real broker and Postgres). Then starts
// the generated nodes with the gateway, as `npm start` does, and calls the generated routes over HTTP.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { waitFor } from '@trellis/testing';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';

import type { GeneratedNodesCluster } from './generated-nodes-cluster';
import { printResult } from './checked-commands';
import { startGeneratedNodes } from './generated-nodes-cluster';
import type { WorkspaceCopy } from './workspace-copy';
import { copyWorkspace, repositoryRoot, runIn } from './workspace-copy';

/** A documented command, and whether the doc says it fails until the generated handlers are written. */
interface DocumentedCommand {
  readonly command: string;
  readonly failsUntilWritten: boolean;
}

/** The lines of the doc's ```sh blocks, in order. */
function documentedCommands(markdown: string): DocumentedCommand[] {
  const commands: DocumentedCommand[] = [];
  for (const block of markdown.matchAll(/^```sh( fails-until-written)?\n([\s\S]*?)^```$/gm)) {
    for (const line of (block[2] ?? '').split('\n')) {
      if (line.trim() !== '')
        commands.push({ command: line.trim(), failsUntilWritten: block[1] !== undefined });
    }
  }
  return commands;
}

const doc = readFileSync(join(repositoryRoot, 'docs/make-it-yours.md'), 'utf-8');
let copy: WorkspaceCopy;
let cluster: GeneratedNodesCluster | undefined;

beforeAll(() => {
  copy = copyWorkspace();
});

afterAll(async () => {
  await cluster?.stop();
  copy?.remove();
}, 60_000);

/** One HTTP call to the gateway: status, content type and parsed JSON body. */
async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  const response = await fetch(`${cluster?.gatewayUrl ?? ''}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (await response.json()) as Record<string, unknown>,
  };
}

interface ClusterView {
  interfaces: Array<{ name: string; liveHandlers: number }>;
  datasets: Array<{ family: string; members: string[]; preferenceList?: string[] }>;
}

it('runs every command of docs/make-it-yours.md: generators, type-check, lint, bundle check, tests', () => {
  const commands = documentedCommands(doc);
  expect(commands.length).toBeGreaterThanOrEqual(10);
  let dryRunChecked = false;
  for (const { command, failsUntilWritten } of commands) {
    const result = runIn(copy, command);
    printResult(result);
    if (failsUntilWritten) {
      // The stubs throw "not implemented", and the examples still pass.
      expect(result.exitCode, result.output).not.toBe(0);
      expect(result.output).toContain('is not implemented yet');
      expect(result.output).toMatch(/Tests\s.*\d+ failed.*\d+ passed/);
      continue;
    }
    expect(result.exitCode, `${command}\n${result.output}`).toBe(0);
    if (command.includes('--dry-run')) {
      expect(result.output).toContain('CREATE apps/inventory/src/inventory.handlers.ts');
      expect(existsSync(join(copy.root, 'apps/inventory'))).toBe(false);
      dryRunChecked = true;
    }
  }
  expect(dryRunChecked).toBe(true);
  // npm start's blueprint runs the new nodes, and the bundle deploys them.
  expect(readFileSync(join(copy.root, 'deploy/blueprint.yaml'), 'utf-8')).toContain(
    'script: apps/pricing/src/main.ts',
  );
  expect(existsSync(join(copy.root, 'k8s/base/inventory.yaml'))).toBe(true);
  // The gateway serves the generated routes through the families' API modules.
  expect(readFileSync(join(copy.root, 'apps/gateway/src/api-modules.ts'), 'utf-8')).toMatch(
    /inventoryApi[\s\S]*notesApi|notesApi[\s\S]*inventoryApi/,
  );
  // Twenty-odd commands, among them three type-checks, lint and the new nodes' tests: minutes, not seconds.
}, 600_000);

it('starts the generated nodes with the gateway, which serves their routes, routes by the ring and answers problem+json', async () => {
  cluster = await startGeneratedNodes(copy.root, { inventory: 1, pricing: 1, notes: 2 });
  const running = cluster;
  onTestFailed(() => {
    process.stdout.write(`cluster output (tail):\n${running.process.tail(80)}\n`);
  });
  // Ready once both notes nodes are on the ring and every generated route's interface has a live node.
  await waitFor(
    async () => {
      if (running.process.exitedEarly()) throw new Error('the cluster process exited');
      const view = (await call('GET', '/v1/cluster')).body as unknown as ClusterView;
      const served = ['notes.ping', 'inventory.reserve', 'inventory.count'].every((name) =>
        view.interfaces.some((entry) => entry.name === name && entry.liveHandlers > 0),
      );
      return (
        served && view.datasets.some((dataset) => dataset.family === 'notes' && dataset.members.length === 2)
      );
    },
    {
      timeoutMs: 90_000,
      intervalMs: 250,
      description: 'the generated interfaces served and the notes ring complete',
    },
  );

  // PUT /v1/notes/:key → notes.ping, by key, to the key's owner, which keeps the text in its dataset.
  const first = await call('PUT', '/v1/notes/first', { text: 'hello' });
  expect(first).toMatchObject({ status: 200, body: { key: 'first', text: 'hello', previous: null } });
  const again = await call('PUT', '/v1/notes/first', { text: 'again' });
  expect(again.body).toMatchObject({ text: 'again', previous: 'hello', handledBy: first.body['handledBy'] });
  const view = (await call('GET', '/v1/cluster?key=first')).body as unknown as ClusterView;
  const notes = view.datasets.find((dataset) => dataset.family === 'notes');
  expect(notes?.preferenceList?.[0]).toBe(first.body['handledBy']);

  // The contract's schema at the gateway: a body without the request's fields is refused before the bus.
  const invalid = await call('POST', '/v1/inventory/reservations', {});
  expect(invalid.status).toBe(400);
  expect(invalid.type).toContain('application/problem+json');
  expect(invalid.body['code']).toBe('gateway.invalid_input');
  // The handler not written yet: its error reaches the client as problem+json, not as a hang or a crash.
  const unwritten = await call('GET', '/v1/inventory/counts/7');
  expect(unwritten.status).toBe(500);
  expect(unwritten.type).toContain('application/problem+json');

  // The OpenAPI document lists the generated routes.
  const openApi = await call('GET', '/docs/json');
  expect(Object.keys(openApi.body['paths'] as object)).toEqual(
    expect.arrayContaining(['/v1/notes/{key}', '/v1/inventory/reservations', '/v1/inventory/counts/{id}']),
  );

  const exit = await running.stop();
  expect(exit).toMatchObject({ code: 0, killed: false, leftoverPids: [] });
}, 180_000);
