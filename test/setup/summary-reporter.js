// Prints one plain closing line that any CI can read: "jest: N passed, N failed, N skipped", plus the
// suites that failed to run at all (their tests are counted nowhere else).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const broken = results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped` +
        (broken > 0 ? `, ${broken} suite(s) failed to run` : '') +
        '\n',
    );
  }
}
module.exports = SummaryReporter;
