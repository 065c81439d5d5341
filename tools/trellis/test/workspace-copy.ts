// A throwaway copy of the repository to run generators and checks in, sharing the repository's installed
// dependencies by symlink (never installing anything) except the workspace's own packages, which point into
// the copy so that the copy's edited sources are the ones compiled and run.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

/** The repository the copy is made from. */
export const repositoryRoot = resolve(__dirname, '../../..');

/** Heavy or machine-local folders left out of the copy. */
const leftOut = ['node_modules', '.git', '.nx', '.tools', 'dist'];

/** A copy of the repository; `remove()` deletes it. */
export interface WorkspaceCopy {
  readonly root: string;
  remove(): void;
}

/** Copies the repository to a temporary folder and links its dependencies in. */
export function copyWorkspace(): WorkspaceCopy {
  const root = mkdtempSync(join(tmpdir(), 'trellis-workspace-'));
  execFileSync('rsync', [
    '-a',
    ...leftOut.flatMap((name) => ['--exclude', name]),
    `${repositoryRoot}/`,
    `${root}/`,
  ]);
  // Node 24 as scripts/use-node-24.sh finds it.
  symlinkSync(join(repositoryRoot, '.tools'), join(root, '.tools'));
  const modules = join(repositoryRoot, 'node_modules');
  mkdirSync(join(root, 'node_modules', '@trellis'), { recursive: true });
  for (const entry of readdirSync(modules)) {
    if (entry !== '@trellis') symlinkSync(join(modules, entry), join(root, 'node_modules', entry));
  }
  // Workspace packages are relative links (../../libs/bus): recreated in the copy, they resolve into the copy.
  for (const entry of readdirSync(join(modules, '@trellis'))) {
    const link = join(modules, '@trellis', entry);
    if (lstatSync(link).isSymbolicLink()) {
      symlinkSync(readlinkSync(link), join(root, 'node_modules', '@trellis', entry));
    }
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The environment of a command in the copy: the test runner's own variables left out. */
function commandEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('VITEST') || name === 'TEST' || name === 'NODE_ENV') continue;
    env[name] = value;
  }
  // No colours: CI sets FORCE_COLOR, and the tests read the output as plain text.
  delete env['FORCE_COLOR'];
  return {
    ...env,
    NO_COLOR: '1',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true',
  };
}

/** What a command printed and how it ended. */
export interface CommandResult {
  readonly command: string;
  readonly exitCode: number;
  readonly output: string;
  readonly ms: number;
}

/**
 * Runs a shell command in the copy with Node 24 (scripts/use-node-24.sh), within `timeoutMs`. The output is
 * plain text: terminal escapes a tool prints whatever the environment says are taken out.
 */
export function runIn(copy: WorkspaceCopy, command: string, timeoutMs = 120_000): CommandResult {
  const started = performance.now();
  try {
    const output = execFileSync(
      'bash',
      ['-c', `source scripts/use-node-24.sh >/dev/null && ${command} 2>&1`],
      {
        cwd: copy.root,
        env: commandEnvironment(),
        encoding: 'utf-8',
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return {
      command,
      exitCode: 0,
      output: stripVTControlCharacters(output),
      ms: performance.now() - started,
    };
  } catch (error) {
    const failed = error as { status?: number | null; stdout?: string };
    return {
      command,
      exitCode: failed.status ?? -1,
      output: stripVTControlCharacters(failed.stdout ?? String(error)),
      ms: performance.now() - started,
    };
  }
}
