import {
  type AnchorHTMLAttributes,
  type ComponentType,
  type MouseEvent,
  useMemo,
  useSyncExternalStore,
} from 'react';

/**
 * A small History-API router: a table of path patterns (`/sales/:id`, `/host/*`) to page
 * components, matched in order. The server answers every non-API GET with index.html, so any
 * path here can be opened directly or reloaded.
 */
export type Params = Record<string, string>;

export interface PageProps {
  readonly params: Params;
}

export interface RouteDef {
  /** `/sales/:id`; a trailing `/*` matches the rest (as params['*']). */
  readonly path: string;
  readonly component: ComponentType<PageProps>;
}

interface Compiled {
  readonly route: RouteDef;
  readonly re: RegExp;
  readonly keys: string[];
}

export function compile(routes: readonly RouteDef[]): Compiled[] {
  return routes.map((route) => {
    const keys: string[] = [];
    let pattern = route.path
      .replace(/\/\*$/, () => {
        keys.push('*');
        return '(?:/(.*))?';
      })
      .replace(/:([A-Za-z_]\w*)/g, (_m, k: string) => {
        keys.push(k);
        return '([^/]+)';
      });
    // `*` was pushed first but matches last: move it to the end.
    if (keys[0] === '*') keys.push(keys.shift() as string);
    pattern = `^${pattern}/?$`;
    return { route, re: new RegExp(pattern), keys };
  });
}

export function match(table: readonly Compiled[], pathname: string) {
  for (const c of table) {
    const m = c.re.exec(pathname);
    if (!m) continue;
    const params: Params = {};
    c.keys.forEach((k, i) => {
      const v = m[i + 1];
      if (v !== undefined) params[k] = decodeURIComponent(v);
    });
    return { route: c.route, params };
  }
  return null;
}

const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};
if (typeof window !== 'undefined') window.addEventListener('popstate', emit);

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const snapshot = () => location.pathname + location.search;

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  if (!opts.replace) window.scrollTo({ top: 0 });
  emit();
}

export interface Location {
  readonly pathname: string;
  readonly search: URLSearchParams;
  readonly href: string;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  return useMemo(() => {
    const u = new URL(href, 'http://x');
    return { pathname: u.pathname, search: u.searchParams, href };
  }, [href]);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { readonly to: string };

/** An `<a>` that navigates in-app (modified clicks still open new tabs). */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (
      e.defaultPrevented ||
      e.button !== 0 ||
      e.metaKey ||
      e.ctrlKey ||
      e.shiftKey ||
      e.altKey ||
      rest.target === '_blank'
    )
      return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
