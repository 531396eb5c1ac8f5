import type { Routes } from '@angular/router';

export default [
  { path: '', pathMatch: 'full', redirectTo: 'usage' },
  { path: 'usage', title: 'Usage · Switchyard', loadComponent: () => import('./usage/usage-page') },
  {
    path: 'requests/:id',
    title: 'Request · Switchyard',
    loadComponent: () => import('./requests/request-page'),
  },
  {
    path: 'playground',
    title: 'Playground · Switchyard',
    loadComponent: () => import('./playground/playground-page'),
  },
  {
    path: 'provider-keys',
    title: 'Provider keys · Switchyard',
    loadComponent: () => import('./provider-keys/provider-keys-page'),
  },
  {
    path: 'api-keys',
    title: 'API keys · Switchyard',
    loadComponent: () => import('./api-keys/api-keys-page'),
  },
  { path: 'credits', title: 'Credits · Switchyard', loadComponent: () => import('./credits/credits-page') },
  { path: 'models', title: 'Models · Switchyard', loadComponent: () => import('./models/models-page') },
  {
    path: 'settings',
    title: 'Settings · Switchyard',
    loadComponent: () => import('./settings/settings-page'),
  },
] satisfies Routes;
