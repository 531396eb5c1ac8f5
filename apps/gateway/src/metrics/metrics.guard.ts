import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { hasRole, type Principal } from '@gw/accounts';
import type { GatewayConfig } from '@gw/platform';
import { ForbiddenError, UnauthorizedError } from '@gw/shared-kernel';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import type { AuthenticatedRequest } from '../auth/principal.decorator';
import { GATEWAY_CONFIG } from '../runtime/runtime.tokens';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

const digest = (token: string): Buffer => createHash('sha256').update(token).digest();

/**
 * `GET /metrics`: open in embedded mode (a demo on 127.0.0.1); otherwise `Authorization: Bearer`
 * with METRICS_TOKEN (what Prometheus sends; compared in constant time) or an admin's gateway key or
 * access token, checked as the admin API checks it.
 */
@Injectable()
export class MetricsGuard implements CanActivate {
  /** SHA-256 of METRICS_TOKEN: equal-length digests compare in constant time whatever is sent. */
  private readonly tokenDigest: Buffer | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GatewayKeyGuard) private readonly keys: GatewayKeyGuard,
  ) {
    this.tokenDigest = config.metricsToken ? digest(config.metricsToken.reveal()) : undefined;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.config.embedded) return true;
    return this.authorize(context.switchToHttp().getRequest<AuthenticatedRequest>());
  }

  /**
   * Whether the request carries what `/metrics` takes outside embedded mode, in every mode and
   * without throwing: who may see operational details such as which backing service failed and why
   * (`/health/ready`).
   */
  async isOperator(request: AuthenticatedRequest): Promise<boolean> {
    try {
      return await this.authorize(request);
    } catch {
      return false;
    }
  }

  /** METRICS_TOKEN or an admin's credentials, else 401/403. */
  private authorize(request: AuthenticatedRequest): boolean | Promise<boolean> {
    const header = request.headers.authorization;
    if (!header)
      throw new UnauthorizedError(
        'AUTH.MISSING_API_KEY',
        "Metrics need credentials: send 'Authorization: Bearer <METRICS_TOKEN or an admin gateway key>'.",
      );
    const token = BEARER.exec(header)?.[1];
    if (token && this.tokenDigest && timingSafeEqual(digest(token), this.tokenDigest)) return true;
    const principal = this.keys.authenticate(request);
    return principal instanceof Promise ? principal.then(adminOnly) : adminOnly(principal);
  }
}

function adminOnly(principal: Principal): true {
  if (!hasRole(principal, 'admin'))
    throw new ForbiddenError('AUTH.ADMIN_ONLY', 'Metrics are for administrators and Prometheus');
  return true;
}
