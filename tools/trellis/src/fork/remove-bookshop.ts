// Removes the bookshop (the example domain) from a fork, leaving the platform: the gateway with its health
// routes and the cluster view, the libs, the blueprints with the gateway alone, and the bundle rendered from them.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';

import { blueprintFiles } from '../blueprints';
import { hasBookshopPassages, withoutBookshopPassages } from './bookshop-passages';
import { currentNames } from './rename';
import { linkWorkspacePackages, unlinkScope } from './workspace-links';
import { workspaceTextFiles } from './workspace-text-files';

/** The bookshop's node families: apps/<name>, a blueprint family and a workspace package each. */
export const bookshopFamilies = [
  'cart',
  'orders',
  'catalog',
  'payments',
  'notifications',
  'payment-provider',
];

/**
 * Everything else that is the bookshop's: its contracts, the gateway's bookshop module, and the tests and
 * benchmarks that run the bookshop (the gateway's journey and error tests use bookshop stand-ins; its e2e
 * tests, bench:gateway and bench:data run a bookshop cluster; the image test's shopping journey; the test of this
 * removal, which has nothing left to remove afterwards).
 */
export const bookshopPaths = [
  'libs/contracts/src/bookshop',
  'apps/gateway/src/bookshop',
  'apps/gateway/test/gateway.bookshop-journey-over-the-bus.spec.ts',
  'apps/gateway/test/gateway.errors-are-problem-json-and-gateway-stays-up.spec.ts',
  'apps/gateway/test/support/bookshop-stand-ins.ts',
  'apps/gateway/e2e',
  'apps/gateway/bench',
  'libs/data/bench',
  'deploy/image-test/shopping-journey.ts',
  'tools/trellis/test/fork.remove-bookshop-leaves-an-empty-platform-whose-checks-pass.spec.ts',
];

/** Root scripts that run what `bookshopPaths` removes. */
const bookshopScripts = ['bench:gateway', 'bench:data'];

const emptyApiModules = `// The API modules the gateway serves: none (the bookshop was removed). Add one as ./<domain>/<domain>-api.ts
// exporting a GatewayApi, and list it here.
import type { GatewayApi } from './gateway-api';

/** Every API module of the gateway, in the order their routes are registered. */
export const apiModules: readonly GatewayApi[] = [];
`;

const emptyImageJourneys = `// The journeys the image test runs through the gateway once every pod is ready, besides its own check of the
// cluster view: none (the bookshop was removed). Add one per domain API (./gateway-journey.ts), and list it here.
import type { GatewayJourney } from './gateway-journey';

/** Every journey the image test runs, in order. */
export const gatewayJourneys: readonly GatewayJourney[] = [];
`;

/** What the removal did. */
export interface RemovalReport {
  readonly removed: readonly string[];
}

/** Removes the bookshop from the workspace at `root`. Refuses a workspace where it is already gone. */
export function removeBookshop(root: string): RemovalReport {
  if (!existsSync(join(root, 'libs/contracts/src/bookshop'))) {
    throw new Error('libs/contracts/src/bookshop does not exist: the bookshop is already removed');
  }
  const { scope } = currentNames(root);
  const removed: string[] = [];
  for (const path of [...bookshopFamilies.map((family) => `apps/${family}`), ...bookshopPaths]) {
    if (!existsSync(join(root, path))) continue;
    rmSync(join(root, path), { recursive: true, force: true });
    removed.push(path);
  }
  writeFileSync(join(root, 'apps/gateway/src/api-modules.ts'), emptyApiModules);
  writeFileSync(join(root, 'deploy/image-test/gateway-journeys.ts'), emptyImageJourneys);
  edit(root, 'libs/contracts/src/index.ts', (text) =>
    text.replace(/^export \{[^}]*\} from '\.\/bookshop';\n/m, ''),
  );
  for (const { path } of blueprintFiles) edit(root, path, withoutBookshopFamilies);
  edit(root, 'package.json', (text) => {
    const manifest = JSON.parse(text) as { scripts?: Record<string, string> };
    for (const script of bookshopScripts) delete manifest.scripts?.[script];
    return `${JSON.stringify(manifest, null, 2)}\n`;
  });
  edit(root, 'package-lock.json', (text) => {
    const lock = JSON.parse(text) as { packages?: Record<string, unknown> };
    for (const family of bookshopFamilies) {
      delete lock.packages?.[`apps/${family}`];
      delete lock.packages?.[`node_modules/@${scope}/${family}`];
    }
    return `${JSON.stringify(lock, null, 2)}\n`;
  });
  for (const path of workspaceTextFiles(root).filter((file) => file.endsWith('.md'))) {
    if (hasBookshopPassages(readFileSync(join(root, path), 'utf-8'))) {
      edit(root, path, (text) => withoutBookshopPassages(text, path));
    }
  }
  unlinkScope(root, scope);
  linkWorkspacePackages(root);
  return { removed };
}

function edit(root: string, path: string, change: (text: string) => string): void {
  const file = join(root, path);
  writeFileSync(file, change(readFileSync(file, 'utf-8')));
}

/**
 * A blueprint without the bookshop's families, and without its ratios: a gateway alone has no logic or service
 * nodes, so ratios between node types cannot hold until a fork adds families of its own (then put them back).
 */
function withoutBookshopFamilies(text: string): string {
  const document = parseDocument(text);
  const families = document.get('families');
  if (!isMap(families)) throw new Error('a blueprint has no families map');
  for (const family of bookshopFamilies) families.delete(family);
  document.delete('ratios');
  // The first key left follows the header comment and its blank line: a blank line of its own (the one that
  // set the families apart from the ratios) would make two, which the generators' next edit would drop.
  const top = document.contents;
  const firstKey = isMap(top) ? top.items[0]?.key : undefined;
  if (isScalar(firstKey)) firstKey.spaceBefore = false;
  return document.toString();
}
