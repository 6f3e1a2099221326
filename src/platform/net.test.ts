import { describe, expect, it } from 'vitest';
import { identifiesClient } from './net.ts';

describe('identifiesClient', () => {
  it('net - public addresses identify a client', () => {
    for (const ip of ['203.0.113.7', '8.8.8.8', '2001:db8::1', '::ffff:198.51.100.4'])
      expect(identifiesClient(ip), ip).toBe(true);
  });

  it('net - loopback, private, link-local and carrier NAT addresses do not; nor does garbage', () => {
    for (const ip of [
      '127.0.0.1',
      '::1',
      '::ffff:127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.0.9',
      '100.70.1.1',
      'fe80::1',
      'fd00::1',
      'not an address',
    ])
      expect(identifiesClient(ip), ip).toBe(false);
  });
});
