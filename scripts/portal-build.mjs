// `npm start` (prestart) builds the web portal when frontend/ changed since its last build:
// the sources' hash (scripts/portal-sources.cjs) against the stamp the last successful build left
// in frontend/dist/.build-stamp. `--force` builds whatever the stamp says.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { STAMP_FILE, decideBuild, portalBuildState } = require('./portal-sources.cjs');

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const frontend = path.join(root, 'frontend');
/** On 2 cores (a warm-cache build took 85 s wall, 22 s CPU on a busy box); later builds reuse frontend/.angular's cache. */
const FIRST_BUILD_MINUTES = '1–2';

const state = portalBuildState(frontend, process.argv.includes('--force'));
const decision = decideBuild(state);
if (!decision.build) {
  console.log(decision.reason === 'no portal sources' ? 'no portal sources' : `Portal: ${decision.reason}.`);
  process.exit(0);
}

console.log(
  `Building the portal (${decision.reason}; the first build takes about ${FIRST_BUILD_MINUTES} min on 2 cores)…`,
);
const started = Date.now();
const code = await new Promise((resolve) => {
  const child = spawn('npm', ['run', 'build', '--workspace', 'frontend'], { cwd: root, stdio: 'inherit' });
  child.on('error', (e) => {
    console.error(`Could not run the portal build: ${e.message}`);
    resolve(1);
  });
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});
if (code !== 0) {
  console.error(
    'The portal build failed (see above). If `ng` was not found, run `npm install` at the repository root ' +
      '(it installs frontend/ too). The API does not need the portal: `node dist/apps/gateway/src/main.js` starts it alone.',
  );
  process.exit(code);
}
// The sources as they were when the build started: a file saved during the build means another one next time.
await mkdir(path.dirname(path.join(frontend, STAMP_FILE)), { recursive: true });
await writeFile(path.join(frontend, STAMP_FILE), `${state.sources}\n`);
console.log(`Portal built in ${Math.round((Date.now() - started) / 1000)} s.`);
