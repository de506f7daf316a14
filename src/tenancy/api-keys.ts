// API key secrets: random, prefixed, stored only as a sha256 hash, compared in constant time.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'sk-cdt-';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 40 base62 characters ≈ 238 bits of entropy. */
export function generateSecret(): string {
  const bytes = randomBytes(40);
  let out = KEY_PREFIX;
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}

/** The token of an `Authorization: Bearer TOKEN` header ('' without one). */
/** The token of an `Authorization: Bearer <token>` header ('' without one): how admin principals present theirs. */
export function bearerToken(header: string | undefined): string {
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
}

/** A data-plane API key as presented: `Bearer <key>` (the OpenAI SDK), or bare (the Anthropic SDK's x-api-key). */
export function presentedApiKey(header: string): string {
  return header.startsWith('Bearer ') ? header.slice(7).trim() : header.trim();
}

export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}
