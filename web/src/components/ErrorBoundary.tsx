import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  readonly error: Error | undefined;
}

/** A page that throws (or a chunk that fails to load after a deploy) shows this, not a blank screen. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(prev: { resetKey: string }): void {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: undefined });
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    const chunk = /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(
      this.state.error.message,
    );
    return (
      <div className="page narrow">
        <div className="empty">
          <h1 className="empty__title">{chunk ? 'A new version is out' : 'Something went wrong'}</h1>
          <p className="empty__body">
            {chunk
              ? 'Reload to get the latest Flashmob.'
              : 'This page hit a snag. Reloading usually fixes it.'}
          </p>
          <button type="button" className="btn btn--primary" onClick={() => location.reload()}>
            Reload
          </button>
        </div>
      </div>
    );
  }
}
