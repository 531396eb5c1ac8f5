import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AccessDirectory, hashGatewayKey } from '@gw/accounts';
import { UnauthorizedError } from '@gw/shared-kernel';
import type { AuthenticatedRequest } from './principal.decorator';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** `Authorization: Bearer <gateway key>`, resolved from memory by the key's SHA-256. */
@Injectable()
export class GatewayKeyGuard implements CanActivate {
  constructor(@Inject(AccessDirectory) private readonly directory: AccessDirectory) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
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
    return true;
  }
}
