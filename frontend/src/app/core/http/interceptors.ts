import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { AuthStore } from '../auth/auth-store';
import { toApiError } from './api-error';

const isAuthCall = (url: string): boolean => url.startsWith('/api/v1/auth/');

/** Adds the in-memory access token to every call to the gateway's API. */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const token = inject(AuthStore).accessToken();
  if (!token || isAuthCall(req.url) || req.headers.has('Authorization')) return next(req);
  return next(req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }));
};

/**
 * Registered before authInterceptor, so it sees each request as the page made it (with an Authorization
 * header only when the page set one itself). The one place that turns an error answer (problem+json, OpenAI's shape, or a dropped connection) into a
 * typed ApiError. A 401 outside the sign-in calls ends the session and goes to /login, which returns here.
 */
export const problemInterceptor: HttpInterceptorFn = (req, next) => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  return next(req).pipe(
    catchError((e: unknown) => {
      if (!(e instanceof HttpErrorResponse)) return throwError(() => e);
      const error = toApiError(e.status, e.error, e.headers?.get('x-switchyard-request-id') ?? null);
      // A 401 for a key the page sent itself (a pasted or a session key) says nothing about the session.
      const ownCredential = req.headers.has('Authorization');
      if (e.status === 401 && !isAuthCall(req.url) && !ownCredential) {
        auth.sessionEnded();
        void router.navigate(['/login'], { queryParams: { returnUrl: router.url } });
      }
      return throwError(() => error);
    }),
  );
};
