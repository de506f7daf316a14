import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ed25519Implementation, ed25519SigningKey, signEd25519 } from './ed25519.ts';

const { privateKey } = generateKeyPairSync('ed25519');
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const publicKey = createPublicKey(privateKey);
const messages = ['', 'a', 'é'.repeat(300), 'x'.repeat(5000)].map((t) => Buffer.from(t));

describe('Ed25519 signing', () => {
  it('signs with libsodium where it is installed, byte for byte what node:crypto signs', () => {
    // The package is a dependency with a prebuilt binary for this platform; falling back here would be a bug.
    expect(ed25519Implementation).toBe('libsodium');
    const key = ed25519SigningKey(pem);
    // libsodium's secret key sits in sodium_malloc memory, not in a JS heap Buffer.
    expect((key.secret as Buffer & { secure?: boolean }).secure).toBe(true);
    for (const message of messages) {
      const signature = signEd25519(key, message);
      expect(signature.equals(sign(null, message, privateKey))).toBe(true);
      expect(verify(null, message, publicKey, signature)).toBe(true);
      expect(verify(null, Buffer.concat([message, Buffer.from('!')]), publicKey, signature)).toBe(false);
    }
  });

  it('with CONDUIT_ED25519=node, signs with node:crypto, the same bytes', () => {
    // A fresh process: the implementation is chosen once, when the module loads.
    const script = `
      import { ed25519Implementation, ed25519SigningKey, signEd25519 } from ${JSON.stringify(new URL('./ed25519.ts', import.meta.url).href)};
      const key = ed25519SigningKey(process.env.PEM);
      const messages = JSON.parse(process.env.MESSAGES).map((m) => Buffer.from(m, 'base64'));
      console.log(JSON.stringify({ ed25519Implementation, signatures: messages.map((m) => signEd25519(key, m).toString('base64')) }));`;
    // Through the gateway's TypeScript loader, as bin/conduit.mjs loads it.
    const registerTs = new URL('../../bin/register-ts.mjs', import.meta.url).href;
    const out = execFileSync(process.execPath, ['--import', registerTs, '--input-type=module', '-e', script], {
      env: {
        ...process.env,
        CONDUIT_ED25519: 'node',
        PEM: pem,
        MESSAGES: JSON.stringify(messages.map((m) => m.toString('base64'))),
      },
    });
    const child = JSON.parse(out.toString()) as { ed25519Implementation: string; signatures: string[] };
    expect(child.ed25519Implementation).toBe('node:crypto');
    const key = ed25519SigningKey(pem);
    expect(child.signatures).toEqual(messages.map((m) => signEd25519(key, m).toString('base64')));
  });

  it('refuses a private key that is not Ed25519', () => {
    const { privateKey: ec } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => ed25519SigningKey(ec.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(
      /expected an Ed25519 private key, got ec/,
    );
    const { privateKey: x25519 } = generateKeyPairSync('x25519');
    expect(() => ed25519SigningKey(x25519.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(
      /expected an Ed25519 private key, got x25519/,
    );
  });
});
