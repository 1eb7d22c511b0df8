import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadLang, storedLang } from './i18n';
import './styles.css';

// The texts of the language chosen on an earlier visit first (Chinese is built in; English loads),
// so that an English page does not open in Chinese; should they fail to load, the console opens in Chinese.
loadLang(storedLang())
  .catch(() => undefined)
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
