// Three jest projects, selected by file suffix (STYLE.md §8):
//   unit  *.spec.ts      pure code and in-memory adapters
//   int   *.int-spec.ts  real infrastructure: PGlite always; PostgreSQL (DATABASE_URL) and EventStoreDB
//                        (EVENTSTORE_URL) when set, else declared skipped with the reason (no Redis or
//                        Kafka suites yet: issue 9)
//   e2e   *.e2e-spec.ts  the real Nest app over HTTP, on the same backends (full mode: apps/projector as a child process)
//   browser *.browser-spec.ts  the portal's production build in Debian's Chromium (Playwright) against the embedded gateway
const { compilerOptions } = require('./tsconfig.json');
const swcOptions = require('./scripts/swc-options.cjs');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&')}$`,
    `<rootDir>/${target}`,
  ]),
);

const { baseUrl: _baseUrl, paths: _paths, ...jsc } = swcOptions().jsc;
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcOptions(), jsc, swcrc: false }] },
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/frontend/'],
  setupFiles: ['<rootDir>/test/setup/reflect-metadata.ts'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
};

module.exports = {
  // Jest's default is one worker per core less one: on a 2-core CI box that is 1, which runs every
  // file in band, one after another, while most suites wait on child processes, PostgreSQL or sockets.
  // Two workers keep both cores busy (each suite still runs its tests in order; suites share nothing
  // but the servers, in schemas, prefixes and ports of their own).
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/long-timeout.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/long-timeout.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/long-timeout.ts'],
    },
  ],
};
