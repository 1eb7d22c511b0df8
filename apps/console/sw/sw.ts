// The console's service worker (dist/sw.js, built by scripts/sw.js): the console opens without a
// network. Every file of the build (hashed assets, index.html, the icons) is precached when the
// worker installs; a navigation is answered with the cached index.html, so any console route opens
// offline. The API is never precached: only GET /api/regions is kept (stale-while-revalidate), so the
// need form's region pickers work offline. Commands sent offline wait in the page's outbox
// (src/outbox.ts), not here.
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { StaleWhileRevalidate } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

// A new build takes over at once: its index.html names the assets it precached.
self.skipWaiting();
clientsClaim();

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/(api|health)(\/|$)/] }));

registerRoute(
  ({ url, request }) => request.method === 'GET' && url.origin === self.location.origin && url.pathname.startsWith('/api/regions'),
  new StaleWhileRevalidate({ cacheName: 'shecun-regions' }),
);
