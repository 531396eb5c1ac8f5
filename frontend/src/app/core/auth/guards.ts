import { inject } from '@angular/core';
import { type CanActivateChildFn, type CanMatchFn, Router } from '@angular/router';
import { AuthStore } from './auth-store';

/** Restores the session from the refresh cookie; without one, goes to /login and comes back after sign-in. */
export const signedInGuard: CanActivateChildFn = async (_route, state) => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  if (await auth.restore()) return true;
  return router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};

export const adminGuard: CanMatchFn = async () => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  await auth.restore();
  return auth.isAuditor() ? true : router.createUrlTree(['/app/usage']);
};
