import path from 'node:path';
import {
  buildFileOf,
  CACHE_IMMUTABLE,
  CACHE_NO_CACHE,
  CACHE_SHORT,
  cacheControlFor,
  defaultPortalDir,
  PORTAL_CONTENT_SECURITY_POLICY,
} from './portal-static';

describe('the portal build: cache lifetimes by file name', () => {
  it.each([
    'main-P4PKPGNO.js',
    'chunk-2NFLSA4Y.js',
    'polyfills-FFHMD2TL.js',
    'styles-YUVIVEKE.css',
    'media/roboto-cyrillic-400-normal-V3H5IIDP.woff2',
    '/srv/portal/media/material-symbols-outlined-URT2MO6R.woff2',
  ])('%s carries an esbuild hash: a year, immutable', (name) => {
    expect(cacheControlFor(name)).toBe(CACHE_IMMUTABLE);
  });

  it.each(['index.html', '/srv/portal/index.html'])('%s is never cached without revalidation', (name) => {
    expect(cacheControlFor(name)).toBe(CACHE_NO_CACHE);
  });

  it.each(['favicon.ico', 'favicon.svg', 'media/font.woff2', 'main.js', 'chunk-abcdefgh.js', 'x-ABC.js'])(
    '%s has no hash: a short cache',
    (name) => {
      expect(cacheControlFor(name)).toBe(CACHE_SHORT);
    },
  );
});

describe('the portal CSP', () => {
  const directives = new Map(
    PORTAL_CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );

  it('allows scripts from the gateway only: no inline script, no eval', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
  });

  it('talks to the gateway only and cannot be framed', () => {
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
  });
});

describe('the default portal directory', () => {
  it('is under the package root whatever the depth of the code (source or dist/)', () => {
    const root = path.resolve(__dirname, '../../../..');
    const expected = path.join(root, 'frontend', 'dist', 'portal', 'browser');
    expect(defaultPortalDir(__dirname)).toBe(expected);
    expect(defaultPortalDir(path.join(root, 'dist', 'apps', 'gateway', 'src', 'http'))).toBe(expected);
  });
});

describe('which file of the build a URL names', () => {
  it.each([
    ['/main-P4PKPGNO.js', 'main-P4PKPGNO.js'],
    ['/media/roboto-V3H5IIDP.woff2?v=1', 'media/roboto-V3H5IIDP.woff2'],
    ['/file%20name.txt', 'file name.txt'],
  ])('%s is %s', (url, file) => {
    expect(buildFileOf(url)).toBe(file);
  });

  it.each([
    '/api/v1/me',
    '/v1/models',
    '/health/ready',
    '/billing/demo-checkout',
    '/metrics',
    '/%61pi/v1/x',
    '/.build-stamp',
    '/media/.hidden',
    '/../secret',
    '/media/..%2f..%2fsecret',
    '/%2e%2e/secret',
    '/./main.js',
    '//main.js',
    '/media/',
    '/a%5cb',
    '/a%00b',
    '/%E0%A4%A',
  ])('%s is none', (url) => {
    expect(buildFileOf(url)).toBeNull();
  });
});
