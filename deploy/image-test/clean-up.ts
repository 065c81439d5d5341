// The image test's clean-up: everything it creates registers how to remove it, and all of it is removed,
// newest first, however the run ends (success, failure or Ctrl-C).

/** Removal steps in the order they were registered; `runAll` runs them newest first, each once. */
export class CleanUp {
  private readonly steps: Array<{ readonly label: string; readonly remove: () => Promise<unknown> }> = [];
  private running: Promise<string[]> | undefined;

  /** Registers how to remove something just created. */
  add(label: string, remove: () => Promise<unknown>): void {
    this.steps.push({ label, remove });
  }

  /**
   * Runs every registered step, newest first, even when some fail, and resolves with the failures
   * (`label: reason`). Calling it again returns the first run's result.
   */
  runAll(): Promise<string[]> {
    this.running ??= (async () => {
      const failures: string[] = [];
      for (const { label, remove } of [...this.steps].reverse()) {
        try {
          await remove();
        } catch (error) {
          failures.push(`${label}: ${String(error)}`);
        }
      }
      return failures;
    })();
    return this.running;
  }
}
