import { Suspense, useEffect, useMemo, useRef } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { Header } from './components/Header.tsx';
import { StepUpDialog } from './components/StepUpDialog.tsx';
import { Skeleton } from './components/ui.tsx';
import { HoldsProvider } from './lib/holds.tsx';
import { RealtimeProvider } from './lib/realtime.tsx';
import { compile, match, useLocation } from './lib/router.tsx';
import { ToastProvider, ToastRegion } from './lib/toast.tsx';
import { routes } from './routes.tsx';

const table = compile(routes);

function Routes() {
  const { pathname } = useLocation();
  const found = useMemo(() => match(table, pathname), [pathname]);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After an in-app navigation, move focus to the new page so screen readers announce it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every path change
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [pathname]);

  if (!found) return null;
  const Page = found.route.component;
  return (
    <main id="main" ref={main} tabIndex={-1} className="main">
      <ErrorBoundary resetKey={pathname}>
        <Suspense
          fallback={
            <div className="page">
              <Skeleton lines={5} tall />
            </div>
          }
        >
          <Page params={found.params} />
        </Suspense>
      </ErrorBoundary>
    </main>
  );
}

/** Providers (toasts, the socket, the buyer's holds), the shell, and the routed page. */
export function App() {
  return (
    <ToastProvider>
      <RealtimeProvider>
        <HoldsProvider>
          <a href="#main" className="skip-link">
            Skip to content
          </a>
          <Header />
          <Routes />
          <footer className="footer">
            <p>
              Flashmob · open-source real-time commerce · <a href="/docs">API</a>
            </p>
          </footer>
          <ToastRegion />
          <StepUpDialog />
        </HoldsProvider>
      </RealtimeProvider>
    </ToastProvider>
  );
}
