import type { Routes } from '@angular/router';
import { adminOnlyGuard } from '../core/auth/guards';

/**
 * /admin/**: matched only for admins and auditors (adminGuard in app.routes). Every page but the audit
 * page is an admin's; an auditor who opens one gets the forbidden page (and /admin takes them to audit).
 */
export default [
  {
    path: 'audit',
    title: 'Audit · Switchyard',
    loadComponent: () => import('./audit/audit-page'),
  },
  {
    path: '',
    canActivateChild: [adminOnlyGuard],
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: 'Admin overview · Switchyard',
        loadComponent: () => import('./overview/overview-page'),
      },
      {
        path: 'providers',
        title: 'Providers · Switchyard',
        loadComponent: () => import('./providers/providers-page'),
      },
      {
        path: 'providers/:slug',
        title: 'Provider · Switchyard',
        loadComponent: () => import('./providers/provider-page'),
      },
      {
        path: 'models',
        title: 'Models (admin) · Switchyard',
        loadComponent: () => import('./models/models-page'),
      },
      {
        path: 'routing',
        title: 'Routing · Switchyard',
        loadComponent: () => import('./routing/routing-page'),
      },
      { path: 'users', title: 'Users · Switchyard', loadComponent: () => import('./users/users-page') },
      { path: 'users/:id', title: 'User · Switchyard', loadComponent: () => import('./users/user-page') },
      {
        path: 'tiers',
        title: 'Tiers and billing · Switchyard',
        loadComponent: () => import('./tiers/tiers-page'),
      },
      {
        path: 'usage',
        title: 'Usage (admin) · Switchyard',
        loadComponent: () => import('./usage/admin-usage-page'),
      },
      {
        path: '**',
        title: 'Not found · Switchyard',
        loadComponent: () => import('../core/layout/not-found-page'),
      },
    ],
  },
] satisfies Routes;
