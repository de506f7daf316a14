import { describe, expect, it } from 'vitest';
import { generateSecret, hashesEqual, hashSecret } from './api-keys.ts';

describe('API key secrets', () => {
  it('are prefixed, random and stored as sha256', () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a).toMatch(/^sk-cdt-[A-Za-z0-9]{40}$/);
    expect(a).not.toBe(b);
    expect(hashSecret(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashesEqual(hashSecret(a), hashSecret(a))).toBe(true);
    expect(hashesEqual(hashSecret(a), hashSecret(b))).toBe(false);
  });
});
