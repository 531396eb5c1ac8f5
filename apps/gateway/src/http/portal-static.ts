import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { requestIdOf } from '../logging/request-id';

/**
 * The web portal (frontend/, Angular) served from the gateway's own origin (issue 17 "One origin"):
 * its production build's files at `/`, `index.html` for the portal's routes (the SPA fallback), with
 * a strict Content-Security-Policy. Routes only, no hooks: `/v1` and `/api` requests pay nothing for
 * it (a GET route tree the chat's POST never walks). docs/web-portal.md says why each header is so.
 */

/** The portal's client-side routes: a browser asking for one gets index.html. */
const SPA_ROUTES = ['/', '/login', '/app', '/app/*', '/admin', '/admin/*'] as const;

/** Never the portal's, whatever is in its directory: the APIs keep their own 404s. */
const RESERVED_PREFIXES = ['/api/', '/v1/', '/health/', '/billing/', '/metrics'] as const;

/**
 * A path ending like a file the build makes: under a portal route it is a missing asset (a 404),
 * not a page. Route parameters with a dot (a model called `gpt-4.1`) are still pages.
 */
const ASSET_EXTENSION =
  /\.(?:js|mjs|css|map|json|txt|html?|ico|png|jpe?g|gif|svg|webp|avif|woff2?|ttf|otf|eot|webmanifest)$/i;

/**
 * esbuild's output hashing (Angular's application builder, `outputHashing: "all"`): `main-2S5D7YX7.js`,
 * `chunk-ABCDEFGH.js`, `styles-5INURTSO.css`, `media/roboto-latin-400-XYZ12345.woff2`: eight or more
 * upper-case letters and digits between a dash and the extension. Such a file never changes content.
 */
const HASHED_NAME = /-[A-Z0-9]{8,}\.[a-z0-9]+$/;

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_NO_CACHE = 'no-cache';
/** favicon.ico and other unhashed files: an hour, then revalidated (ETag / Last-Modified). */
export const CACHE_SHORT = 'public, max-age=3600';

/** How long a browser may keep a file of the build, by its name. */
export function cacheControlFor(fileName: string): string {
  const base = path.basename(fileName);
  if (/\.html?$/i.test(base)) return CACHE_NO_CACHE;
  return HASHED_NAME.test(base) ? CACHE_IMMUTABLE : CACHE_SHORT;
}

/**
 * The portal's Content-Security-Policy (docs/web-portal.md). No inline script anywhere
 * (`script-src 'self'`); inline styles are allowed because Angular adds its components' styles
 * (Material's included) as `<style>` elements at run time. `connect-src 'self'`: the portal talks to
 * this gateway only (even OIDC's code exchange goes through `/api/v1/auth`).
 */
export const PORTAL_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Sent with every file of the portal and with its 503 page. */
export const PORTAL_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': PORTAL_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Registers the portal's routes; call before `app.init()`. Never fails over a missing build. */
export async function usePortal(app: NestFastifyApplication, dir: string, logger: Logger): Promise<void> {
  const root = path.resolve(dir);
  const indexFile = path.join(root, 'index.html');
  if (!(await isFile(indexFile)))
    logger.warn(
      { portalDir: root },
      'the web portal is not built (no index.html): the API works; `npm start` builds it',
    );

  await app.register(fastifyStatic, {
    root,
    // Our routes below, not the plugin's: each path is checked first (so a path it would refuse is
    // our 404, never an error it throws), and the APIs' prefixes are never looked up on disk.
    serve: false,
    index: false,
    dotfiles: 'ignore',
    cacheControl: false,
    // The directory may not exist yet (built later, or never on an API-only host).
    suppressWarning: true,
    setHeaders: (reply, filePath) => {
      void reply.headers(PORTAL_SECURITY_HEADERS).header('cache-control', cacheControlFor(filePath));
    },
  });

  const fastify = app.getHttpAdapter().getInstance();
  const notFound = (reply: FastifyReply): FastifyReply => {
    reply.callNotFound();
    return reply;
  };
  const sendIndex = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const pathname = request.url.split('?', 1)[0]!;
    if (ASSET_EXTENSION.test(pathname) || !acceptsHtml(request.headers.accept)) return notFound(reply);
    if (!(await isFile(indexFile))) return notBuilt(request, reply);
    return reply.sendFile('index.html');
  };
  for (const url of SPA_ROUTES) fastify.get(url, sendIndex);
  // Every other GET: a file of the build, or the gateway's usual 404.
  fastify.get('/*', (request, reply) => {
    const file = buildFileOf(request.url);
    return file === null ? notFound(reply) : reply.sendFile(file);
  });
}

/**
 * The build's file a URL names (relative to the build's root), or null: an API prefix, a
 * directory, a dotfile, an undecodable or non-canonical path (`..`, `.`, `//`, a backslash, a NUL).
 */
export function buildFileOf(url: string): string | null {
  const raw = url.split('?', 1)[0]!;
  if (isReserved(raw)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (isReserved(pathname) || pathname.endsWith('/') || /[\\\0]/.test(pathname)) return null;
  if (path.posix.normalize(pathname) !== pathname) return null;
  const segments = pathname.slice(1).split('/');
  if (segments.some((segment) => segment === '' || segment.startsWith('.'))) return null;
  return segments.join('/');
}

const isReserved = (pathName: string): boolean =>
  RESERVED_PREFIXES.some((prefix) => pathName.startsWith(prefix));

/** No Accept header, `*\/*` or `text/html` (with any parameters): what a browser's navigation sends. */
function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const type = part.split(';', 1)[0]!.trim().toLowerCase();
    return type === 'text/html' || type === '*/*' || type === 'text/*';
  });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

const NOT_BUILT = 'The web portal is not built: run `npm start` (it builds frontend/ first).';

/** 503: a small page for a browser, problem+json for anything else. */
function notBuilt(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  void reply.code(503).headers(PORTAL_SECURITY_HEADERS).header('cache-control', CACHE_NO_CACHE);
  if (request.headers.accept?.includes('text/html'))
    return reply
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><meta charset="utf-8"><title>Switchyard</title>' +
          '<h1>The web portal is not built</h1>' +
          '<p>Run <code>npm start</code>: it builds the portal (frontend/) and then starts the gateway. ' +
          'The API works without it: <a href="/api/docs">/api/docs</a>.</p>',
      );
  return reply.type('application/problem+json').send({
    type: 'about:blank',
    title: 'api_error',
    status: 503,
    detail: NOT_BUILT,
    code: 'PORTAL.NOT_BUILT',
    correlationId: requestIdOf(request),
  });
}

/**
 * The repository's (or the image's) root: the nearest directory above this file with the root
 * package.json. Source (`apps/gateway/src/http`) and build (`dist/apps/gateway/src/http`) sit at
 * different depths, and the working directory is whatever `npm start` was run from.
 */
export function defaultPortalDir(from: string = __dirname): string {
  return path.join(packageRoot(from), 'frontend', 'dist', 'portal', 'browser');
}

function packageRoot(from: string): string {
  const readName = (dir: string): unknown => {
    try {
      return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
    } catch {
      return undefined;
    }
  };
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (readName(dir) === 'switchyard') return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
