import WebSocket from 'ws';

export interface TestSocket {
  readonly ws: WebSocket;
  readonly messages: any[];
  /** Waits for the first message (from now or already received) that matches. */
  next(match: (m: any) => boolean, timeoutMs?: number): Promise<any>;
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** A real WebSocket client for tests, recording every message it receives. */
export function openSocket(
  baseUrl: string,
  opts: {
    token?: string;
    protocols?: string[];
    origin?: string;
    autoPong?: boolean;
    headers?: Record<string, string>;
  } = {},
): Promise<TestSocket> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws`;
  const protocols = opts.protocols ?? (opts.token ? ['flashmob', `bearer.${opts.token}`] : ['flashmob']);
  const ws = new WebSocket(url, protocols, {
    ...(opts.origin ? { origin: opts.origin } : {}),
    ...(opts.headers ? { headers: opts.headers } : {}),
    autoPong: opts.autoPong ?? true,
  });
  const messages: any[] = [];
  const waiters: Array<{ match: (m: any) => boolean; resolve: (m: any) => void }> = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data));
    messages.push(m);
    for (const w of [...waiters]) {
      if (w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const socket: TestSocket = {
    ws,
    messages,
    closed,
    next(match, timeoutMs = 5_000) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(messages.slice(-5))}`),
            ),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    send(frame) {
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    close() {
      ws.close();
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
