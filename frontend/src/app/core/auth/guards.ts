import { inject } from '@angular/core';
import { type CanActivateChildFn, type CanActivateFn, type CanMatchFn, Router } from '@angular/router';
import { AuthStore } from './auth-store';

/** Restores the session from the refresh cookie; without one, goes to /login and comes back after sign-in. */
export const signedInGuard: CanActivateChildFn = async (_route, state) => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  if (await auth.restore()) return true;
  return router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};

/** `/`: the account's start page (its usage, or the audit page for an auditor-only account), or /login. */
export const homeGuard: CanActivateFn = async () => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  if (!(await auth.restore())) return router.createUrlTree(['/login']);
  return router.parseUrl(auth.home());
};

/**
 * /admin/** is matched for admins and auditors only. For anyone else the router falls through to the
 * forbidden page at the same address (app.routes), so a user who opens an admin link reads "403", not
 * a silent redirect.
 */
export const adminGuard: CanMatchFn = async () => {
  const auth = inject(AuthStore);
  await auth.restore();
  return auth.isAuditor();
};

/**
 * The admin pages but the audit page: admins only. An auditor is taken from /admin to /admin/audit
 * and sees the forbidden page on any other admin address.
 */
export const adminOnlyGuard: CanActivateChildFn = (_route, state) => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  if (auth.isAdmin()) return true;
  if (state.url === '/admin' || state.url.startsWith('/admin?'))
    return router.createUrlTree(['/admin/audit']);
  return router.createUrlTree(['/forbidden'], { queryParams: { from: state.url } });
};
