import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { sendError } from '../errors/gateway-exception.filter';
import type { GatewayKeyGuard } from './gateway-key.guard';

/**
 * The `/api` routes that answer without a gateway key or access token (route patterns as Fastify
 * matches them; HEAD goes with GET): the portal's sign-in, the payment provider's signed webhook, and
 * the OpenAPI document with its Swagger UI. Every other `/api` route is authenticated before its
 * body is read. The demo checkout page (`/billing/…`), `/health/*` and `/metrics` are not under /api.
 */
export const PUBLIC_API_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/v1/auth/config',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/oidc/token',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/billing/webhooks/payment',
]);
/** Swagger UI and the OpenAPI document: every GET under this prefix (its assets have many names). */
const PUBLIC_API_DOCS = '/api/docs';

/** Whether a matched route needs a gateway key or access token before its body is read. */
export function authenticatesBeforeBody(method: string, route: string | undefined): boolean {
  if (route === undefined) return false; // no route: a 404, whoever asks
  if (route.startsWith('/v1/')) return true;
  if (!route.startsWith('/api/')) return false;
  const verb = method === 'HEAD' ? 'GET' : method;
  if (verb === 'GET' && (route === PUBLIC_API_DOCS || route.startsWith(`${PUBLIC_API_DOCS}/`))) return false;
  return !PUBLIC_API_ROUTES.has(`${verb} ${route}`);
}

/**
 * On the OpenAI-compatible surface and the portal API every route but the public ones above needs a
 * gateway key or an access token, so it is checked when the request arrives, before its body is read
 * or parsed: an unauthenticated request costs a hash and a map lookup, never reading or parsing up to
 * the body limit. The guard's own check is the one used here, and the guard later finds the
 * principal this hook resolved.
 *
 * The hook is the route's own (`onRequest` of each route that needs it, decided once as the route is
 * registered), not a global one: the health, metrics, portal and public routes never run it, and a
 * request never asks which route it matched. An unknown route has no hook (a 404, whoever asks).
 * Call before the app's routes are registered (before `app.init()`).
 */
export function checkGatewayKeyBeforeBody(
  fastify: FastifyInstance,
  guard: GatewayKeyGuard,
  logger: Logger,
): void {
  const authenticate: onRequestHookHandler = (request, reply, done) => {
    let principal: ReturnType<GatewayKeyGuard['authenticate']>;
    try {
      principal = guard.authenticate(request);
    } catch (e) {
      sendError(logger, request, reply, e);
      return;
    }
    // An access token not seen before is verified asynchronously (JWKS), still before the body.
    if (principal instanceof Promise)
      principal.then(
        () => done(),
        (e: unknown) => sendError(logger, request, reply, e),
      );
    else done();
  };
  fastify.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    const needed = methods.filter((method) => authenticatesBeforeBody(method, route.url));
    if (needed.length === 0) return;
    // A route of several methods where only some are public (none today) checks the method too.
    const hook: onRequestHookHandler =
      needed.length === methods.length
        ? authenticate
        : function (this: FastifyInstance, request, reply, done) {
            if (needed.includes(request.method)) authenticate.call(this, request, reply, done);
            else done();
          };
    // A new array: Fastify copies a GET route's options for its HEAD route, which gets its own hook.
    route.onRequest = [...([] as onRequestHookHandler[]).concat(route.onRequest ?? []), hook];
  });
}
