// `npm run rename -- <scope> <product>`: renames the fork's npm scope and product everywhere, then re-renders
// the bundle.
import { resolve } from 'node:path';

import { renderBundle, runCommand } from './fork-command';
import { productProblem, scopeProblem } from './name-forms';
import { renameWorkspace } from './rename';

const usage = 'usage: npm run rename -- <scope> <product>   e.g. npm run rename -- acme acme-shop';
const root = resolve(__dirname, '../../../..');

runCommand(() => {
  const [scope, product, ...extra] = process.argv.slice(2);
  if (scope === undefined || product === undefined || extra.length > 0) throw new Error(usage);
  const problem = scopeProblem(scope) ?? productProblem(product);
  if (problem !== undefined) throw new Error(`${problem}\n${usage}`);
  const report = renameWorkspace(root, { scope, product });
  process.stdout.write(
    `rename: @${report.from.scope} → @${scope}, ${report.from.product} → ${product}: ` +
      `${report.filesChanged} files rewritten, ${report.pathsMoved.length} moved\n`,
  );
  for (const moved of report.pathsMoved) process.stdout.write(`  moved ${moved}\n`);
  if (report.leftovers.length > 0) {
    throw new Error(`the old name is still in: ${report.leftovers.join(', ')}`);
  }
  renderBundle(root);
  process.stdout.write('rename: done. Run `npm install` to record the new names in node_modules.\n');
});
