// The bundle's command line:
//   npm run bundle:render   renders k8s/ and docker/compose.yaml from the blueprints and writes what changed;
//   npm run bundle:check    renders in memory and fails, naming the stale files, when the committed ones differ.
// `--out <folder>` writes or checks under another folder; `--default-blueprint`, `--dev-blueprint` and
// `--production-blueprint <file>` (relative to the repository root) render from other blueprints.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { SupervisorErrors } from '@trellis/supervisor';

import { BLUEPRINT_FILES } from './bundle-layout';
import { staleFilesOf, writeBundle } from './output/bundle-files';
import { renderBundle } from './render-bundle';

const root = resolve(__dirname, '../..');

function say(line: string): void {
  process.stdout.write(`bundle: ${line}\n`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      out: { type: 'string' },
      'default-blueprint': { type: 'string', default: BLUEPRINT_FILES.default },
      'dev-blueprint': { type: 'string', default: BLUEPRINT_FILES.dev },
      'production-blueprint': { type: 'string', default: BLUEPRINT_FILES.production },
    },
  });
  const blueprints = {
    default: values['default-blueprint'],
    dev: values['dev-blueprint'],
    production: values['production-blueprint'],
  };
  const out = resolve(values.out ?? root);
  const started = performance.now();
  let files;
  try {
    files = await renderBundle({ root, blueprints });
  } catch (error) {
    if (!SupervisorErrors.invalidBlueprint.is(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  say(`rendered ${files.length} files in ${Math.round(performance.now() - started)} ms`);

  if (values.check) {
    const { changed, missing, extra } = await staleFilesOf(out, files);
    const stale = [
      ...changed.map((path) => `${path} (differs from its rendering)`),
      ...missing.map((path) => `${path} (missing)`),
      ...extra.map((path) => `${path} (no longer rendered)`),
    ];
    if (stale.length > 0) {
      process.stderr.write(
        `bundle: stale, run \`npm run bundle:render\` and commit the result:\n${stale.map((line) => `  ${line}`).join('\n')}\n`,
      );
      return 1;
    }
    say(`up to date (${Math.round(performance.now() - started)} ms)`);
    return 0;
  }

  const { written, removed } = await writeBundle(out, files);
  for (const path of written) say(`wrote ${path}`);
  for (const path of removed) say(`removed ${path}`);
  if (written.length === 0 && removed.length === 0) say('nothing changed');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bundle: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
