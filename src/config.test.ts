import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_STEP_UP_ORDER_CENTS, loadConfig } from './config.ts';

describe('config: second factor', () => {
  it('config - STEP_UP_ORDER_CENTS defaults to $1,000 and refuses what is not a count of cents', () => {
    expect(loadConfig({}).stepUpOrderCents).toBe(DEFAULT_STEP_UP_ORDER_CENTS);
    expect(loadConfig({ STEP_UP_ORDER_CENTS: '0' }).stepUpOrderCents).toBe(0);
    expect(() => loadConfig({ STEP_UP_ORDER_CENTS: '10.5' })).toThrow(/STEP_UP_ORDER_CENTS/);
    expect(() => loadConfig({ STEP_UP_ORDER_CENTS: '-1' })).toThrow(ConfigError);
  });

  it('config - WEBAUTHN_ORIGINS takes exact origins and names the key for anything else', () => {
    const c = loadConfig({
      WEBAUTHN_RP_ID: 'shop.example.com',
      WEBAUTHN_ORIGINS: 'https://shop.example.com, http://localhost:3000',
    });
    expect(c.webauthnRpId).toBe('shop.example.com');
    expect(c.webauthnOrigins).toEqual(['https://shop.example.com', 'http://localhost:3000']);
    expect(loadConfig({}).webauthnOrigins).toEqual([]);
    for (const bad of [
      'shop.example.com',
      'https://shop.example.com/',
      'https://shop.example.com/path',
      'ftp://x.dev',
    ])
      expect(() => loadConfig({ WEBAUTHN_ORIGINS: bad })).toThrow(/WEBAUTHN_ORIGINS/);
  });
});
