import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { compactVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { LoopBudget } from '../util/loop-budget.ts';
import { AdaptiveSigner, InlineSigner, ThreadSigner } from './signer.ts';

const { privateKey } = generateKeyPairSync('ed25519');
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const publicKey = createPublicKey(privateKey);

describe('signers', () => {
  it('inline, threaded and adaptive signers all produce valid manifests over the claims and the text', async () => {
    for (const signer of [new InlineSigner(), new ThreadSigner(), new AdaptiveSigner()]) {
      signer.addKey('k', pem);
      // Many at once: the threaded path batches them. Texts with newlines and spaces must not confuse the batching.
      const texts = Array.from({ length: 50 }, (_, i) => `line one of ${i}\nline two\t${'é'.repeat(i)}`);
      const signed = await Promise.all(
        texts.map((text, i) =>
          signer.sign('k', JSON.stringify({ generator: 'Conduit', request_id: `req_${i}` }), text),
        ),
      );
      for (const [i, s] of signed.entries()) {
        const { payload, protectedHeader } = await compactVerify(s.manifest, publicKey);
        expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: 'k', typ: 'conduit-provenance+jws' });
        const sha = createHash('sha256').update(texts[i]!).digest('base64url');
        expect(JSON.parse(Buffer.from(payload).toString())).toEqual({
          generator: 'Conduit',
          request_id: `req_${i}`,
          content_sha256: sha,
        });
        expect(s.content_sha256).toBe(sha);
      }
      const [header, payload] = signed[0]!.manifest.split('.');
      const forged = `${header}.${payload}.${signed[1]!.manifest.split('.')[2]}`;
      await expect(compactVerify(forged, publicKey)).rejects.toThrow();
      await signer.close();
    }
  });

  it('the signing thread starts with the first signature, stops when idle, and starts again with its keys', async () => {
    const signer = new ThreadSigner(50);
    signer.addKey('k', pem);
    expect(signer.running).toBe(false);
    const sign = async (i: number) => {
      const signed = await signer.sign('k', JSON.stringify({ request_id: `req_${i}` }), `text ${i}`);
      const { protectedHeader } = await compactVerify(signed.manifest, publicKey);
      expect(protectedHeader.kid).toBe('k');
    };
    await sign(1);
    expect(signer.running).toBe(true);
    for (let i = 0; i < 100 && signer.running; i++) await new Promise((r) => setTimeout(r, 20));
    expect(signer.running).toBe(false);
    // A new thread, told the keys added before it started.
    await Promise.all([sign(2), sign(3)]);
    expect(signer.running).toBe(true);
    await signer.close();
    expect(signer.running).toBe(false);
  });

  it('the adaptive signer signs inline within its budget of event-loop time, and on the thread past it', async () => {
    const burst = (signer: AdaptiveSigner) =>
      Promise.all(Array.from({ length: 50 }, (_, i) => signer.sign('k', '{}', `text ${i}`)));
    // A burst that takes little of the loop: no thread is started for it.
    const roomy = new AdaptiveSigner(new LoopBudget(10_000, 60_000));
    roomy.addKey('k', pem);
    await burst(roomy);
    expect(roomy.threadRunning).toBe(false);
    await roomy.close();
    // Past the budget the rest of the burst goes to the thread, valid all the same.
    const tight = new AdaptiveSigner(new LoopBudget(0.05, 60_000));
    tight.addKey('k', pem);
    const signed = await burst(tight);
    expect(tight.threadRunning).toBe(true);
    for (const s of signed) expect((await compactVerify(s.manifest, publicKey)).protectedHeader.kid).toBe('k');
    await tight.close();
  });

  it('the adaptive signer keeps one signature at a time inline, past its budget too', async () => {
    // A client waiting on each reply: a thread's round trip would only add to its wait.
    const signer = new AdaptiveSigner(new LoopBudget(0.001, 60_000));
    signer.addKey('k', pem);
    for (let i = 0; i < 5; i++) {
      await signer.sign('k', '{}', `text ${i}`);
      await new Promise((r) => setImmediate(r));
    }
    expect(signer.threadRunning).toBe(false);
    await signer.close();
  });
});
