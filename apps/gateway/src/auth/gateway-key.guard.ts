import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AccessDirectory, hashGatewayKey, type Principal } from '@gw/accounts';
import { UnauthorizedError } from '@gw/shared-kernel';
import type { AuthenticatedRequest } from './principal.decorator';
import { CHAT_ROUTE } from '../chat/steps/chat-call';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { StepSeries } from '../metrics/step-histogram';
import { looksLikeJwt, TokenAuthenticator } from './token-authenticator';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The chat route, from the request's URL: a string compare, no allocation (request.routeOptions is
 * a fresh object per read). Only matched routes reach the guard, so nothing else starts this way.
 */
const isChatRoute = (url: string): boolean => url === CHAT_ROUTE || url.startsWith(`${CHAT_ROUTE}?`);

/**
 * `Authorization: Bearer <gateway key | access token>`. A gateway key is resolved from memory by its
 * SHA-256; a JWT (two dots) that is no key goes to the TokenAuthenticator (OIDC or local sign-in),
 * which answers from its cache of verified tokens by the same hash, or verifies the token. The one
 * definition of "authenticated": on `/v1` the same check runs before the body is read (see
 * checkGatewayKeyBeforeBody), and the guard then finds the principal already resolved.
 */
@Injectable()
export class GatewayKeyGuard implements CanActivate {
  /** The chat path's authenticate step (switchyard_chat_step_seconds): timed only for that route. */
  private readonly chatStep: StepSeries | undefined;

  constructor(
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Optional() @Inject(TokenAuthenticator) private readonly tokens?: TokenAuthenticator,
    @Optional() @Inject(GatewayMetrics) metrics?: GatewayMetrics,
  ) {
    this.chatStep = metrics?.chatSteps.authenticate;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const principal = this.authenticate(context.switchToHttp().getRequest<AuthenticatedRequest>());
    return principal instanceof Promise ? principal.then(() => true) : true;
  }

  /**
   * Sets `request.principal` (once per request) or throws UnauthorizedError; synchronous for gateway
   * keys and cached tokens, a promise only when a token must be verified.
   */
  authenticate(request: AuthenticatedRequest): Principal | Promise<Principal> {
    if (request.principal) return request.principal;
    const step = this.chatStep;
    if (!step || !isChatRoute(request.url)) return this.resolve(request);
    const started = performance.now();
    const principal = this.resolve(request);
    if (!(principal instanceof Promise)) {
      step.observe((performance.now() - started) / 1000);
      return principal;
    }
    return principal.then((verified) => {
      step.observe((performance.now() - started) / 1000);
      return verified;
    });
  }

  private resolve(request: AuthenticatedRequest): Principal | Promise<Principal> {
    const header = request.headers.authorization;
    if (!header) {
      throw new UnauthorizedError(
        'AUTH.MISSING_API_KEY',
        "You didn't provide an API key. Send it as 'Authorization: Bearer <gateway key>'.",
      );
    }
    const token = BEARER.exec(header)?.[1];
    const hash = token ? hashGatewayKey(token) : undefined;
    const principal = hash ? this.directory.principalForKeyHash(hash) : undefined;
    if (principal) {
      request.principal = principal;
      return principal;
    }
    if (token && hash && this.tokens && looksLikeJwt(token)) {
      const cached = this.tokens.cached(hash);
      if (cached) {
        request.principal = cached;
        return cached;
      }
      return this.tokens.authenticate(token, hash).then((verified) => {
        request.principal = verified;
        return verified;
      });
    }
    throw new UnauthorizedError('AUTH.INVALID_API_KEY', 'Incorrect API key provided.');
  }
}
