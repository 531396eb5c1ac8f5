import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * scripts/portal-sources.cjs: what `npm start` decides about the portal build (scripts/portal-build.mjs).
 * Tested here because the unit project runs apps/ and libs/ specs; the module is plain CommonJS so that
 * the start script needs no build of its own.
 */
interface BuildState {
  sources: string | null;
  stamp: string | null;
  outputExists: boolean;
  force: boolean;
}
interface PortalSources {
  STAMP_FILE: string;
  OUTPUT_INDEX: string;
  portalSourceFiles(frontendDir: string): string[];
  hashPortalSources(frontendDir: string): string | null;
  decideBuild(state: BuildState): { build: boolean; reason: string };
  portalBuildState(frontendDir: string, force: boolean): BuildState;
}
const sources = createRequire(__filename)('../../../../scripts/portal-sources.cjs') as PortalSources;

describe('portal sources: the hash npm start compares with the last build', () => {
  let dir: string;
  const put = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchyard-frontend-'));
    await put('package.json', '{"name":"@switchyard/portal"}');
    await put('angular.json', '{}');
    await put('tsconfig.json', '{}');
    await put('tsconfig.app.json', '{}');
    await put('src/main.ts', 'bootstrap();');
    await put('src/app/app.ts', 'export class App {}');
    await put('public/favicon.svg', '<svg/>');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('covers src/, public/, angular.json, package.json and tsconfig*.json, nothing else', async () => {
    await put('dist/portal/browser/index.html', '<html>');
    await put('node_modules/x/index.js', '');
    await put('.angular/cache/x', '');
    await put('src/node_modules/y.js', '');
    await put('README.md', '# notes');
    expect(sources.portalSourceFiles(dir)).toEqual([
      'angular.json',
      'package.json',
      'public/favicon.svg',
      'src/app/app.ts',
      'src/main.ts',
      'tsconfig.app.json',
      'tsconfig.json',
    ]);
  });

  it('is the same for the same files, and changes with any source byte, name or new file', async () => {
    const first = sources.hashPortalSources(dir);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(sources.hashPortalSources(dir)).toBe(first);

    await put('src/app/app.ts', 'export class App { }');
    const edited = sources.hashPortalSources(dir);
    expect(edited).not.toBe(first);

    await put('public/robots.txt', '');
    const added = sources.hashPortalSources(dir);
    expect(added).not.toBe(edited);

    await put('tsconfig.spec.json', '{}');
    expect(sources.hashPortalSources(dir)).not.toBe(added);
  });

  it('ignores the build output, installed packages, the Angular cache and other files', async () => {
    const before = sources.hashPortalSources(dir);
    await put('dist/portal/browser/main-ABCDEFGH.js', 'built');
    await put(sources.STAMP_FILE, 'stamp');
    await put('node_modules/@angular/core/package.json', '{}');
    await put('.angular/cache/21/x', 'cache');
    await put('README.md', '# notes');
    expect(sources.hashPortalSources(dir)).toBe(before);
  });

  it('moving bytes from one file to the next is a change', async () => {
    await put('src/a.ts', 'ab');
    await put('src/b.ts', 'c');
    const before = sources.hashPortalSources(dir);
    await put('src/a.ts', 'a');
    await put('src/b.ts', 'bc');
    expect(sources.hashPortalSources(dir)).not.toBe(before);
  });

  it('is null without frontend/package.json (no portal sources)', async () => {
    await rm(path.join(dir, 'package.json'));
    expect(sources.hashPortalSources(dir)).toBeNull();
    expect(sources.portalBuildState(dir, false)).toMatchObject({ sources: null, outputExists: false });
  });

  it('reads the state from disk: the stamp and whether the build output is there', async () => {
    expect(sources.portalBuildState(dir, false)).toMatchObject({ stamp: null, outputExists: false });
    await put(sources.OUTPUT_INDEX, '<html>');
    await put(sources.STAMP_FILE, 'abc\n');
    expect(sources.portalBuildState(dir, true)).toEqual({
      sources: sources.hashPortalSources(dir),
      stamp: 'abc',
      outputExists: true,
      force: true,
    });
  });
});

describe('portal build decision', () => {
  const state = (s: Partial<BuildState>): BuildState => ({
    sources: 'h1',
    stamp: 'h1',
    outputExists: true,
    force: false,
    ...s,
  });

  it('does nothing when the build is from the current sources', () => {
    expect(sources.decideBuild(state({}))).toEqual({
      build: false,
      reason: 'up to date (frontend/ unchanged since its last build)',
    });
  });

  it('builds when the sources changed since the stamp', () => {
    expect(sources.decideBuild(state({ stamp: 'h0' }))).toEqual({
      build: true,
      reason: 'frontend/ changed since the last build',
    });
  });

  it('builds when there is no stamp or no output (first start, a failed or deleted build)', () => {
    expect(sources.decideBuild(state({ stamp: null })).build).toBe(true);
    expect(sources.decideBuild(state({ outputExists: false })).build).toBe(true);
  });

  it('--force builds up-to-date sources', () => {
    expect(sources.decideBuild(state({ force: true })).build).toBe(true);
  });

  it('never builds without portal sources, forced or not', () => {
    expect(sources.decideBuild(state({ sources: null, force: true }))).toEqual({
      build: false,
      reason: 'no portal sources',
    });
  });
});
