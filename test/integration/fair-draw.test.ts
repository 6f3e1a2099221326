import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGiveaway } from '../factories/shows.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/flashmob.js');
const run = async (args: string[]) => {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args], { timeout: 60_000 });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code?: number; stderr?: string };
    return { code: err.code ?? 1, out: err.stderr ?? '' };
  }
};

/** `flashmob verify-draw` against a real server's published proof, and against a forged one. */
describe('fair draws from the command line', () => {
  let t: TestApp;
  let base: string;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flashmob-proof-'));
  beforeAll(async () => {
    t = await createTestApp({ config: { port: 0, host: '127.0.0.1' } });
    base = await t.fm.listen();
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verify-draw - a drawn giveaway verifies; one changed entrant or seed does not; an open one is not drawn yet', async () => {
    const { giveaway: g, host } = await makeGiveaway(t, { entrants: 7, draw: false });
    const early = await run(['verify-draw', '--giveaway', g.id, '--server', base]);
    expect([early.code, early.out]).toEqual([1, expect.stringContaining('not revealed yet')]);

    await t.http('POST', `/api/giveaways/${g.id}/draw`, { token: host.token });
    const ok = await run(['verify-draw', '--giveaway', g.id, '--server', base]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`verified: the seed matches its commitment ${g.seedHash}`);

    const proof = (await t.http('GET', `/api/giveaways/${g.id}/proof`)).json();
    const forgedList = path.join(dir, 'list.json');
    writeFileSync(
      forgedList,
      JSON.stringify({ ...proof, entrants: [...proof.entrants.slice(1), 'usr_zzzzzzzzzzzzzzzz'] }),
    );
    const badList = await run(['verify-draw', '--file', forgedList]);
    expect([badList.code, badList.out]).toEqual([
      1,
      expect.stringContaining('NOT VERIFIED: the entrant list'),
    ]);
    const forgedSeed = path.join(dir, 'seed.json');
    writeFileSync(forgedSeed, JSON.stringify({ ...proof, seed: 'ab'.repeat(32) }));
    const badSeed = await run(['verify-draw', '--file', forgedSeed]);
    expect([badSeed.code, badSeed.out]).toEqual([
      1,
      expect.stringContaining('NOT VERIFIED: the seed does not match'),
    ]);
  });
});
