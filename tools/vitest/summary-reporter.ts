// Prints one machine-readable summary line after the default reporter, for CI logs and scripts.
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Counts test cases over the whole run and prints `tests: N passed, N failed, N skipped` on its own
 * line. Test files that could not run at all and unhandled errors have no test cases, so when there are
 * any they get a second line, `errors: ...`, rather than disappearing from the figures.
 */
export class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    let brokenModules = 0;
    for (const testModule of testModules) {
      if (testModule.errors().length > 0) brokenModules += 1;
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
      }
    }
    const lines = [`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`];
    if (brokenModules > 0 || unhandledErrors.length > 0) {
      lines.push(
        `errors: ${brokenModules} test files failed to run, ${unhandledErrors.length} unhandled errors`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
