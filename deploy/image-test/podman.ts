// Runs podman for the image test, with the settings this kind of machine needs: runc (crun refuses hybrid
// cgroups) and explicit ulimits (the defaults ask for more than an unprivileged VM grants).
import { execFile } from 'node:child_process';

/** Global podman options for every call. */
const ENGINE_OPTIONS = ['--runtime', 'runc'];

/** Resource limits for `podman build` and `podman run`, within what this machine allows. */
export const ULIMITS = ['--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=32768:32768'];

/** Options of {@link podman}. */
export interface PodmanOptions {
  /** Kill podman after this long; 60 s by default, so no call can hang the test. */
  readonly timeoutMs?: number;
}

/** A failed podman call: its arguments, exit code and what it printed. */
export class PodmanError extends Error {
  override readonly name = 'PodmanError';
  constructor(
    readonly args: readonly string[],
    readonly stdout: string,
    readonly stderr: string,
    cause: unknown,
  ) {
    super(
      `podman ${args.slice(0, 3).join(' ')} … failed: ${stderr.trim().split('\n').slice(-5).join(' | ')}`,
      {
        cause,
      },
    );
  }
}

function runPodman(
  args: readonly string[],
  options: PodmanOptions,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'podman',
      [...ENGINE_OPTIONS, ...args],
      { timeout: options.timeoutMs ?? 60_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new PodmanError(args, stdout, stderr, error));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** Runs `podman <args>` and resolves with its standard output; rejects with a {@link PodmanError}. */
export async function podman(args: readonly string[], options: PodmanOptions = {}): Promise<string> {
  return (await runPodman(args, options)).stdout;
}

/** The state of a container as `podman inspect` reports it. */
export interface ContainerState {
  readonly status: string;
  readonly running: boolean;
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** Reads the state of container `name`. */
export async function containerState(name: string): Promise<ContainerState> {
  const output = await podman(['container', 'inspect', '--format', '{{json .State}}', name]);
  const state = JSON.parse(output) as {
    Status: string;
    Running: boolean;
    ExitCode: number;
    OOMKilled: boolean;
    StartedAt: string;
    FinishedAt: string;
  };
  return {
    status: state.Status,
    running: state.Running,
    exitCode: state.ExitCode,
    oomKilled: state.OOMKilled,
    startedAt: state.StartedAt,
    finishedAt: state.FinishedAt,
  };
}

/** The address of container `name` on `network`. */
export async function containerAddress(name: string, network: string): Promise<string> {
  const output = await podman([
    'container',
    'inspect',
    '--format',
    `{{with index .NetworkSettings.Networks "${network}"}}{{.IPAddress}}{{end}}`,
    name,
  ]);
  const address = output.trim();
  if (address === '') throw new Error(`container ${name} has no address on network ${network}`);
  return address;
}

/** The last `lines` lines of container `name`'s output, or a note saying why there are none. */
export async function containerLogs(name: string, lines = 40): Promise<string> {
  try {
    // A container's standard error comes out on podman's standard error.
    const { stdout, stderr } = await runPodman(['logs', '--tail', String(lines), name], {});
    return `${stdout}${stderr}`.trim();
  } catch (error) {
    return `(no logs: ${String(error)})`;
  }
}
