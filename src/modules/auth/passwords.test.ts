import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from './passwords.ts';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe('passwords', () => {
  it("passwords - new hashes use OWASP's scrypt parameters (N=2^17, r=8, p=1)", async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 131_072, r: 8, p: 1 });
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsE', hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it('passwords - a hash of weaker parameters verifies and asks for a rehash', async () => {
    const old = await hashPassword('correct horse', { N: 2 ** 15, r: 8, p: 1 });
    expect(await verifyPassword('correct horse', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(old, { N: 2 ** 15, r: 8, p: 1 })).toBe(false);
    expect(needsRehash(await hashPassword('x', { N: 2 ** 17, r: 4, p: 1 }))).toBe(true);
  });

  it('passwords - NFKC: the same password typed in composed or decomposed form matches', async () => {
    const hash = await hashPassword('caf\u00e9 au lait', CHEAP);
    expect(await verifyPassword('cafe\u0301 au lait', hash)).toBe(true);
  });

  it('passwords - a malformed or absurd stored hash is refused without computing it', async () => {
    for (const stored of [
      '',
      'bcrypt$2b$10$abc',
      'scrypt$abc$8$1$c2FsdA$a2V5',
      `scrypt$${2 ** 24}$8$1$c2FsdA$a2V5`, // 16 GiB of memory: never attempted
      'scrypt$1024$0$1$c2FsdA$a2V5',
    ]) {
      expect(await verifyPassword('x', stored)).toBe(false);
      expect(needsRehash(stored)).toBe(true);
    }
  });
});
