/**
 * Names every test that passed only on its retry. The integration lane
 * retries a failed test once (real daemons on a loaded 2-core machine have
 * timing races the test did not foresee); a retry must not hide the race, so
 * each one is printed at the end of the run, to be fixed.
 */
import type { Reporter, TestCase } from 'vitest/node';

export default class RetriedReporter implements Reporter {
  private readonly retried: string[] = [];

  onTestCaseResult(test: TestCase): void {
    const d = test.diagnostic();
    if (d && d.retryCount > 0 && test.result().state === 'passed') {
      this.retried.push(`${test.module.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName} (after ${d.retryCount} retry)`);
    }
  }

  onTestRunEnd(): void {
    if (this.retried.length === 0) return;
    console.log(`\nPassed only on retry (${this.retried.length}), timing races to fix:`);
    for (const line of this.retried) console.log(`  ${line}`);
  }
}
