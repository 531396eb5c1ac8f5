// What `npm start` needs to know about the portal's sources (frontend/): a hash of everything the
// production build reads, and whether the build on disk is from those sources. No side effects beyond
// reading files; scripts/portal-build.mjs acts on the answer. Tested by apps/gateway/src/http/portal-build.spec.ts.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

/** Folders hashed whole (recursively) and files hashed one by one, relative to frontend/. */
const SOURCE_DIRS = ['src', 'public'];
const SOURCE_FILES = [/^angular\.json$/, /^package\.json$/, /^tsconfig.*\.json$/];
/** Never sources, wherever they appear: build output, installed packages, Angular's cache. */
const IGNORED = new Set(['dist', 'node_modules', '.angular']);

/** The stamp the last successful build left: the hash of the sources it was built from. */
const STAMP_FILE = path.join('dist', '.build-stamp');
/** What the gateway serves (angular.json's outputPath + /browser). */
const OUTPUT_INDEX = path.join('dist', 'portal', 'browser', 'index.html');

/** @param {string} dir @param {string} rel @returns {string[]} files under dir, relative, '/'-separated */
function walk(dir, rel) {
  /** @type {string[]} */
  const files = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    if (IGNORED.has(entry.name)) continue;
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...walk(dir, child));
    else if (entry.isFile()) files.push(child);
  }
  return files;
}

/**
 * The portal's source files, relative to `frontendDir`, sorted: `src/**`, `public/**`,
 * `angular.json`, `package.json`, `tsconfig*.json`.
 * @param {string} frontendDir
 * @returns {string[]}
 */
function portalSourceFiles(frontendDir) {
  const top = readdirSync(frontendDir, { withFileTypes: true });
  const files = top
    .filter((e) => e.isFile() && SOURCE_FILES.some((re) => re.test(e.name)))
    .map((e) => e.name);
  for (const dir of SOURCE_DIRS)
    if (top.some((e) => e.isDirectory() && e.name === dir)) files.push(...walk(frontendDir, dir));
  return files.sort();
}

/**
 * SHA-256 over every source file's path and bytes (a few hundred files: milliseconds). Null when
 * there is no portal (no frontend/package.json).
 * @param {string} frontendDir
 * @returns {string | null}
 */
function hashPortalSources(frontendDir) {
  if (!existsSync(path.join(frontendDir, 'package.json'))) return null;
  const hash = createHash('sha256');
  for (const file of portalSourceFiles(frontendDir)) {
    const bytes = readFileSync(path.join(frontendDir, file));
    // Length-prefixed, so that no two different trees feed the hash the same bytes.
    hash.update(`${file}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex');
}

/** @param {string} frontendDir @returns {string | null} the hash the last build recorded */
function readStamp(frontendDir) {
  try {
    return readFileSync(path.join(frontendDir, STAMP_FILE), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/**
 * Whether to build, and why (said to the user). Pure.
 * @param {{ sources: string | null, stamp: string | null, outputExists: boolean, force: boolean }} state
 * @returns {{ build: boolean, reason: string }}
 */
function decideBuild({ sources, stamp, outputExists, force }) {
  if (sources === null) return { build: false, reason: 'no portal sources' };
  if (force) return { build: true, reason: 'forced (--force)' };
  if (!outputExists) return { build: true, reason: 'the portal has not been built yet' };
  if (stamp === null) return { build: true, reason: 'no record of what the portal was built from' };
  if (stamp !== sources) return { build: true, reason: 'frontend/ changed since the last build' };
  return { build: false, reason: 'up to date (frontend/ unchanged since its last build)' };
}

/**
 * Everything decideBuild needs, read from `frontendDir`.
 * @param {string} frontendDir
 * @param {boolean} force
 */
function portalBuildState(frontendDir, force) {
  return {
    sources: hashPortalSources(frontendDir),
    stamp: readStamp(frontendDir),
    outputExists:
      existsSync(path.join(frontendDir, OUTPUT_INDEX)) &&
      statSync(path.join(frontendDir, OUTPUT_INDEX)).isFile(),
    force,
  };
}

module.exports = {
  STAMP_FILE,
  OUTPUT_INDEX,
  portalSourceFiles,
  hashPortalSources,
  readStamp,
  decideBuild,
  portalBuildState,
};
