import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '@gw/accounts';
import { ForbiddenError, type Role } from '@gw/shared-kernel';
import { AdminGuard } from './admin.guard';
import { AuditorGuard } from './auditor.guard';

const contextFor = (roles: Role[] | null): ExecutionContext => {
  const principal =
    roles && ({ userId: 'u', keyId: 'k', roles, tier: 'free', powerLevel: 'eco' } as unknown as Principal);
  return {
    switchToHttp: () => ({ getRequest: () => (principal ? { principal } : {}) }),
  } as unknown as ExecutionContext;
};

describe('AuditorGuard and AdminGuard', () => {
  it.each([
    [['auditor'], true, false],
    [['admin'], true, true],
    [['user'], false, false],
    [['user', 'auditor'], true, false],
  ] as const)('roles %j: auditor endpoints %s, admin endpoints %s', (roles, reads, writes) => {
    const ctx = contextFor([...roles]);
    const pass = (guard: { canActivate(c: ExecutionContext): boolean }) => {
      try {
        return guard.canActivate(ctx);
      } catch (e) {
        expect(e).toBeInstanceOf(ForbiddenError);
        return false;
      }
    };
    expect(pass(new AuditorGuard())).toBe(reads);
    expect(pass(new AdminGuard())).toBe(writes);
  });

  it('refuses a request without a principal', () => {
    expect(() => new AuditorGuard().canActivate(contextFor(null))).toThrow(ForbiddenError);
  });
});
