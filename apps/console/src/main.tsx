import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { hasKeptSession } from './auth';
import { loadLang, storedLang } from './i18n';
import { loadPageOf } from './routes';
import './styles.css';

// First the texts of the language chosen on an earlier visit (Chinese is built in; English loads),
// so that an English page does not open in Chinese; should they fail to load, the console opens in
// Chinese. Alongside, the code of the page being opened (routes.ts): the page then shows at once,
// not after a loading state. index.html shows 加载中 meanwhile.
Promise.all([loadLang(storedLang()).catch(() => undefined), loadPageOf(location.pathname, hasKeptSession()).catch(() => undefined)])
  .then(() =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );

// Installable and opens offline: the service worker (sw/sw.ts, built into dist/sw.js) precaches the
// console. Production builds only: in `npm run dev` vite serves the sources, which it would hide.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}
