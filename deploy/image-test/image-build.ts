// The image half of the image test: lint docker/Dockerfile, make sure the base image (or its local
// stand-in) is there, build the node image, and check what the build produced.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { podman, ULIMITS } from './podman';

const run = promisify(execFile);

/** One finding of dockerfilelint. */
interface LintIssue {
  readonly line: string;
  readonly title: string;
  readonly description: string;
}

/**
 * Lints `dockerfile` with dockerfilelint.
 *
 * @throws Error listing every issue (line and title) when there is any.
 */
export async function lintDockerfile(root: string, dockerfile: string): Promise<void> {
  const lint = join(root, 'node_modules/.bin/dockerfilelint');
  let stdout: string;
  try {
    ({ stdout } = await run(lint, ['--json', dockerfile], { cwd: root, timeout: 60_000 }));
  } catch (error) {
    // dockerfilelint exits with the number of issues; its report is still on stdout.
    const output = (error as { stdout?: unknown }).stdout;
    if (typeof output !== 'string' || output === '') throw error;
    stdout = output;
  }
  const report = JSON.parse(stdout) as { files: Array<{ issues: LintIssue[] }> };
  const issues = report.files.flatMap((file) => file.issues);
  if (issues.length > 0) {
    const lines = issues.map((issue) => `  line ${issue.line}: ${issue.title}: ${issue.description}`);
    throw new Error(`dockerfilelint found ${issues.length} issue(s) in ${dockerfile}:\n${lines.join('\n')}`);
  }
}

/** Runs `command` with the test's own output, and rejects when it exits with anything but 0. */
export function runVisibly(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${signal ?? `code ${String(code)}`}`));
    });
  });
}

/** What a build produced. */
export interface BuiltImage {
  readonly id: string;
  readonly sizeBytes: number;
  readonly steps: number;
  readonly cachedSteps: number;
}

async function imageId(tag: string): Promise<string | undefined> {
  try {
    return (await podman(['image', 'inspect', '--format', '{{.Id}}', tag])).trim();
  } catch {
    return undefined;
  }
}

/**
 * Builds `dockerfile` as `tag` with the base image taken only from local storage (`--pull=never`), then
 * removes the image the tag pointed to before, so repeated runs do not pile up images (the layers a later
 * build can reuse stay).
 *
 * @throws Error with the tail of the build output when the build fails.
 */
export async function buildImage(
  root: string,
  dockerfile: string,
  tag: string,
  version: string,
): Promise<BuiltImage> {
  const previous = await imageId(tag);
  let output: string;
  try {
    output = await podman(
      [
        'build',
        '--pull=never',
        ...ULIMITS,
        '--file',
        dockerfile,
        '--build-arg',
        `VERSION=${version}`,
        '--tag',
        tag,
        root,
      ],
      { timeoutMs: 15 * 60_000 },
    );
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    const tail = `${failure.stdout ?? ''}${failure.stderr ?? ''}`.trim().split('\n').slice(-60).join('\n');
    throw new Error(`podman build failed:\n${tail}`, { cause: error });
  }
  const id = await imageId(tag);
  if (id === undefined) throw new Error(`podman build succeeded but ${tag} is not there`);
  if (previous !== undefined && previous !== id) {
    await podman(['image', 'rm', previous]).catch(() => undefined);
  }
  // Every build leaves its stages' images behind as the next build's cache; those a day old that nothing
  // builds on any more are dropped, so CI's storage stays bounded.
  await podman(['image', 'prune', '--force', '--filter', 'until=24h']).catch(() => undefined);
  const size = await podman(['image', 'inspect', '--format', '{{.Size}}', tag]);
  return {
    id,
    sizeBytes: Number(size.trim()),
    steps: (output.match(/^\[\d+\/\d+\] STEP /gm) ?? output.match(/^STEP /gm) ?? []).length,
    cachedSteps: (output.match(/^--> Using cache /gm) ?? []).length,
  };
}

/** The parts of the image's configuration the test checks. */
export interface ImageConfig {
  readonly user: string;
  readonly entrypoint: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** Reads `tag`'s configuration. */
export async function imageConfig(tag: string): Promise<ImageConfig> {
  const output = await podman(['image', 'inspect', '--format', '{{json .Config}}', tag]);
  const config = JSON.parse(output) as {
    User?: string;
    Entrypoint?: string[];
    Labels?: Record<string, string>;
  };
  return { user: config.User ?? '', entrypoint: config.Entrypoint ?? [], labels: config.Labels ?? {} };
}

/**
 * Checks what the Dockerfile promises of the built image: a numeric non-root user, tini as PID 1 in front
 * of node, and the OCI labels, the version one matching `version`.
 *
 * @throws Error naming every promise the image breaks.
 */
export function checkImageConfig(config: ImageConfig, version: string): void {
  const problems: string[] = [];
  if (!/^[1-9]\d*(:\d+)?$/.test(config.user))
    problems.push(`USER is "${config.user}", not a numeric non-root user`);
  if (config.entrypoint[0] !== '/usr/bin/tini' || !config.entrypoint.includes('node')) {
    problems.push(`ENTRYPOINT is ${JSON.stringify(config.entrypoint)}, not tini in front of node`);
  }
  for (const label of ['title', 'description', 'source', 'version', 'licenses']) {
    if (!config.labels[`org.opencontainers.image.${label}`])
      problems.push(`label org.opencontainers.image.${label} is missing`);
  }
  if (config.labels['org.opencontainers.image.version'] !== version) {
    problems.push(`label org.opencontainers.image.version is not ${version}`);
  }
  if (problems.length > 0)
    throw new Error(`the built image breaks its promises:\n  ${problems.join('\n  ')}`);
}
