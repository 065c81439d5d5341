// Times the steps of the bundle checks and prints one line per step, so CI shows where the time goes.

/** One timed step: its label and how long it took. */
export interface StepTiming {
  readonly step: string;
  readonly ms: number;
}

/** Where timing lines go; the tests' standard output by default. */
export type TimingSink = (line: string) => void;

const toStdout: TimingSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * Runs `work`, prints `[bundle-checks] <step>: <ms> ms` when it settles (also when it throws, so a failing
 * step still shows its time), and returns its result.
 */
export async function timed<T>(
  step: string,
  work: () => T | Promise<T>,
  sink: TimingSink = toStdout,
): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const ms = performance.now() - started;
    sink(`[bundle-checks] ${step}: ${ms.toFixed(0)} ms`);
  }
}
