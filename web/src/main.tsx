import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles/base.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/components.css';
import './styles/motion.css';
import { App } from './App.tsx';
import { auth } from './lib/auth.ts';
import { serverClock } from './lib/clock.ts';

// Server time before the socket has synced (the first countdowns on screen use it).
void serverClock.syncOverHttp();
// A stored session may have expired, or its role changed.
void auth.refresh();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

// Installable PWA: a small service worker (app shell offline, hashed assets cached).
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {}); // no worker: the app still works online
  });
}
