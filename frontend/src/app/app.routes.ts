import type { Routes } from '@angular/router';
import { adminGuard, signedInGuard } from './core/auth/guards';
import { Shell } from './core/layout/shell';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'app/usage' },
  { path: 'login', title: 'Sign in · Switchyard', loadComponent: () => import('./core/auth/login-page') },
  {
    path: '',
    component: Shell,
    canActivateChild: [signedInGuard],
    children: [
      { path: 'app', loadChildren: () => import('./portal/portal.routes') },
      { path: 'admin', canMatch: [adminGuard], loadChildren: () => import('./admin/admin.routes') },
    ],
  },
  {
    path: '**',
    title: 'Not found · Switchyard',
    loadComponent: () => import('./core/layout/not-found-page'),
  },
];
