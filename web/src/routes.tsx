import { lazy } from 'react';
import type { RouteDef } from './lib/router.tsx';
import HomePage from './pages/HomePage.tsx';
import NotFoundPage from './pages/NotFoundPage.tsx';
import SalePage from './pages/SalePage.tsx';
import SignInPage from './pages/SignInPage.tsx';

/*
 * The route table. The buyer's landing pages (home, a sale) are in the first bundle; everything
 * else is split into its own chunk and loaded on first visit. To add a page: write
 * `pages/Thing.tsx` (default export, receives `{ params }`) and add one line here, e.g.
 *   { path: '/things/:id', component: lazy(() => import('./pages/Thing.tsx')) },
 *   { path: '/host/*' } already routes every host sub-page to the console (pages/host/HostConsole.tsx).
 * Order matters: the first pattern that matches wins.
 */
export const routes: RouteDef[] = [
  { path: '/', component: HomePage },
  { path: '/sales/:id', component: SalePage },
  { path: '/sales/:id/queue', component: lazy(() => import('./pages/QueuePage.tsx')) },
  { path: '/shows/:id', component: lazy(() => import('./pages/ShowRoom.tsx')) },
  { path: '/checkout', component: lazy(() => import('./pages/CheckoutPage.tsx')) },
  { path: '/orders', component: lazy(() => import('./pages/OrdersPage.tsx')) },
  { path: '/orders/:id', component: lazy(() => import('./pages/OrderPage.tsx')) },
  { path: '/giveaways/:id/verify', component: lazy(() => import('./pages/VerifyDrawPage.tsx')) },
  { path: '/signin', component: SignInPage },
  { path: '/account/security', component: lazy(() => import('./pages/SecurityPage.tsx')) },
  { path: '/host/*', component: lazy(() => import('./pages/host/HostConsole.tsx')) },
  { path: '/*', component: NotFoundPage },
];
