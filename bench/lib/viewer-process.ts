/**
 * What every viewer process of the benchmarks shares: opening its connections in waves (200 at a
 * time, so the server is not asked for thousands of handshakes at once), telling the parent it
 * is ready, and on `{report: true}` sending its figures, closing its sockets and exiting.
 */
export async function openInWaves(count: number, open: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < count; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, k) => open(i + k)));
  }
}

export function serveReport(
  ready: number,
  report: () => unknown,
  sockets: ReadonlyArray<{ close(): void }>,
  onMessage?: (m: { start?: boolean; report?: boolean }) => void,
): void {
  process.send?.({ ready });
  process.on('message', (m: { start?: boolean; report?: boolean }) => {
    onMessage?.(m);
    if (!m.report) return;
    process.send?.(report(), () => {
      for (const s of sockets) s.close();
      process.exit(0);
    });
  });
}
