import type { Routes } from '@angular/router';
import { adminGuard, homeGuard, signedInGuard } from './core/auth/guards';
import { Shell } from './core/layout/shell';

export const routes: Routes = [
  { path: '', pathMatch: 'full', canActivate: [homeGuard], children: [] },
  { path: 'login', title: 'Sign in · Switchyard', loadComponent: () => import('./core/auth/login-page') },
  {
    path: '',
    component: Shell,
    canActivateChild: [signedInGuard],
    children: [
      { path: 'app', loadChildren: () => import('./portal/portal.routes') },
      { path: 'admin', canMatch: [adminGuard], loadChildren: () => import('./admin/admin.routes') },
      // Reached when adminGuard does not match: a signed-in account without the role reads 403.
      {
        path: 'admin',
        children: [
          {
            path: '**',
            title: 'Not allowed · Switchyard',
            loadComponent: () => import('./core/layout/forbidden-page'),
          },
        ],
      },
      {
        path: 'forbidden',
        title: 'Not allowed · Switchyard',
        loadComponent: () => import('./core/layout/forbidden-page'),
      },
    ],
  },
  {
    path: '**',
    title: 'Not found · Switchyard',
    loadComponent: () => import('./core/layout/not-found-page'),
  },
];
