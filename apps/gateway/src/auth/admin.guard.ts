import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { hasRole } from '@gw/accounts';
import { ForbiddenError } from '@gw/shared-kernel';
import type { AuthenticatedRequest } from './principal.decorator';

/** After GatewayKeyGuard: only admins pass. */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal || !hasRole(principal, 'admin'))
      throw new ForbiddenError('AUTH.ADMIN_ONLY', 'This endpoint is for administrators');
    return true;
  }
}
