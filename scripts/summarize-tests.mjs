// Adds up the results of every suite that scripts/test-all ran and prints the total as the
// last line. A vitest suite that wrote no report (it crashed or never started) counts as
// one failure, so a broken suite can never look like a green one.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
// unit-pg: the server's tests again on PostgreSQL (scripts/test-all, scripts/pg/start);
// fault: the short fault-injection run (tests/fault).
const expectedSuites = ['unit', 'unit-pg', 'fault', 'e2e'];
let passed = 0;
let failed = 0;
let skipped = 0;

for (const file of readdirSync(dir).filter((f) => f.endsWith('.check'))) {
  const ok = readFileSync(path.join(dir, file), 'utf8').trim() === 'pass';
  console.log(`${path.basename(file, '.check')}: ${ok ? 'passed' : 'FAILED'}`);
  if (ok) passed += 1;
  else failed += 1;
}

for (const suite of expectedSuites) {
  let report;
  try {
    report = JSON.parse(readFileSync(path.join(dir, `${suite}.json`), 'utf8'));
  } catch {
    console.log(`${suite}: no report written, counted as one failure`);
    failed += 1;
    continue;
  }
  const suiteFailed =
    report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? 1 : 0);
  console.log(
    `${suite}: ${report.numPassedTests} passed, ${suiteFailed} failed, ${report.numPendingTests + report.numTodoTests} skipped`,
  );
  passed += report.numPassedTests;
  failed += suiteFailed;
  skipped += report.numPendingTests + report.numTodoTests;
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
