import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { hasRole } from '@gw/accounts';
import { ForbiddenError } from '@gw/shared-kernel';
import type { AuthenticatedRequest } from './principal.decorator';

/**
 * After GatewayKeyGuard: auditors and admins pass. Only for endpoints that read: an auditor changes
 * nothing (every write endpoint sits behind AdminGuard, which lets only admins through).
 */
@Injectable()
export class AuditorGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal || !(hasRole(principal, 'auditor') || hasRole(principal, 'admin')))
      throw new ForbiddenError('AUTH.AUDITOR_ONLY', 'This endpoint is for auditors and administrators');
    return true;
  }
}
