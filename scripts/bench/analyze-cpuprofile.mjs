#!/usr/bin/env node
// Summarise a .cpuprofile: node scripts/bench/analyze-cpuprofile.mjs FILE [REQUESTS] [START_US END_US] [TOP]
// REQUESTS turns totals into µs per request; START_US/END_US (V8 profile clock = process.hrtime µs)
// restrict the samples to a window. scripts/bench/profile.mjs calls the same code with its windows.
import { analyze, printAnalysis } from './lib/cpuprofile.mjs';

const [file, requests = '1', start, end, top = '40'] = process.argv.slice(2);
if (!file) {
  process.stderr.write(
    'usage: node scripts/bench/analyze-cpuprofile.mjs FILE [REQUESTS] [START_US END_US] [TOP]\n',
  );
  process.exit(2);
}
const result = analyze(file, {
  requests: Number(requests),
  startUs: start ? Number(start) : -Infinity,
  endUs: end ? Number(end) : Infinity,
});
printAnalysis(result, { top: Number(top) });
