import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'Admin · Switchyard', loadComponent: () => import('./admin-home-page') },
] satisfies Routes;
