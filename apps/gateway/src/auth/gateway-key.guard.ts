import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AccessDirectory, hashGatewayKey, type Principal } from '@gw/accounts';
import { UnauthorizedError } from '@gw/shared-kernel';
import type { AuthenticatedRequest } from './principal.decorator';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * `Authorization: Bearer <gateway key>`, resolved from memory by the key's SHA-256. The one
 * definition of "authenticated": on `/v1` the same check runs before the body is read (see
 * checkGatewayKeyBeforeBody), and the guard then finds the principal already resolved.
 */
@Injectable()
export class GatewayKeyGuard implements CanActivate {
  constructor(@Inject(AccessDirectory) private readonly directory: AccessDirectory) {}

  canActivate(context: ExecutionContext): boolean {
    this.authenticate(context.switchToHttp().getRequest<AuthenticatedRequest>());
    return true;
  }

  /** Sets `request.principal` (once per request) or throws UnauthorizedError. */
  authenticate(request: AuthenticatedRequest): Principal {
    if (request.principal) return request.principal;
    const header = request.headers.authorization;
    if (!header) {
      throw new UnauthorizedError(
        'AUTH.MISSING_API_KEY',
        "You didn't provide an API key. Send it as 'Authorization: Bearer <gateway key>'.",
      );
    }
    const token = BEARER.exec(header)?.[1];
    const principal = token ? this.directory.principalForKeyHash(hashGatewayKey(token)) : undefined;
    if (!principal) throw new UnauthorizedError('AUTH.INVALID_API_KEY', 'Incorrect API key provided.');
    request.principal = principal;
    return principal;
  }
}
