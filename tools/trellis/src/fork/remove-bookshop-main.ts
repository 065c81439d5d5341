// `npm run remove-bookshop`: removes the example bookshop, leaving the gateway with health and the cluster view.
import { resolve } from 'node:path';

import { renderBundle, runCommand } from './fork-command';
import { removeBookshop } from './remove-bookshop';

const root = resolve(__dirname, '../../../..');

runCommand(() => {
  const report = removeBookshop(root);
  for (const path of report.removed) process.stdout.write(`remove-bookshop: removed ${path}\n`);
  renderBundle(root);
  process.stdout.write(
    'remove-bookshop: done. Run `npm install` to drop the removed packages from node_modules.\n',
  );
});
