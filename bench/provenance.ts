// `npm run bench:provenance`: cost of signing + fingerprinting per KB of output, verify latency with a large
// registry (default 1,000,000 outputs in the embedded SQLite store), and bytes stored per registered output.
import { sign } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519Implementation } from '../src/provenance/ed25519.ts';
import { fingerprints } from '../src/provenance/fingerprint.ts';
import { KeyRing } from '../src/provenance/keyring.ts';
import { InlineSigner } from '../src/provenance/signer.ts';
import { FingerprintRegistry } from '../src/provenance/registry.ts';
import { ProvenanceService } from '../src/provenance/service.ts';
import { pseudoText, replaceWords } from '../src/provenance/text-corpus.ts';
import { prng } from '../src/util/prng.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { tempDir } from '../test/helpers/gateway.ts';

const OUTPUTS = Number(process.env.BENCH_OUTPUTS ?? 1_000_000);
const dir = tempDir('conduit-bench-provenance-');
const store = await openSqliteStore(dir);
// The gateway's inline signer (what a quiet gateway uses).
const keys = new KeyRing(store.signingKeys, new InlineSigner());
await keys.init();
const registry = new FingerprintRegistry(store.fingerprints, (e) => console.error(e));
const provenance = new ProvenanceService(keys, registry, 1 << 20, 'bench-secret');

// 1. Signing and fingerprinting 1 KB of output.
let kb = pseudoText(1, 12);
while (Buffer.byteLength(kb) < 1024) kb += ` ${pseudoText(2, 1)}`;
kb = kb.slice(0, 1024);
for (let i = 0; i < 2000; i++)
  await provenance.stamp(kb, { vendor: 'v', model: 'm', region: 'r', request_id: `r${i}`, orgId: 'org' });
// Rounds alternate our work with a bare Ed25519 signature by node:crypto (OpenSSL), so they share the
// machine's mood.
const ours: number[] = [];
const bare: number[] = [];
const key = keys.active.privateKey;
const N = 2000;
let t: number;
for (let round = 0; round < 7; round++) {
  t = performance.now();
  for (let i = 0; i < N; i++) {
    await provenance.stamp(kb, { vendor: 'v', model: 'm', region: 'r', request_id: `r${i}`, orgId: 'org' });
    fingerprints(kb);
  }
  ours.push(((performance.now() - t) * 1000) / N);
  t = performance.now();
  for (let i = 0; i < N; i++) sign(null, Buffer.from(kb.slice(0, 400)), key);
  bare.push(((performance.now() - t) * 1000) / N);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(
  `sign + fingerprint 1 KB: ${median(ours).toFixed(1)} µs with the inline signer (${ed25519Implementation}; median of 7 rounds; target < 50 µs); a bare node:crypto (OpenSSL) Ed25519 signature alone takes ${median(bare).toFixed(1)} µs on this machine now`,
);

// 1b. The optional in-band mark: a signed C2PA manifest store in the text wrapper.
const stamp = await provenance.stamp(kb, { vendor: 'v', model: 'm', region: 'r', request_id: 'r', orgId: 'org' });
const mark = provenance.inBandMark(kb, stamp);
t = performance.now();
for (let i = 0; i < 5000; i++) provenance.inBandMark(kb, stamp);
console.log(
  `C2PA text manifest (in-band, opt-in): ${(((performance.now() - t) * 1000) / 5000).toFixed(1)} µs per output, ${Buffer.byteLength(mark)} bytes of invisible characters`,
);

// 2. A registry of OUTPUTS outputs: 1,000 real texts to look for, the rest with fingerprints of the same density.
const real = Array.from({ length: 1000 }, (_, i) => pseudoText(i + 1, 8 + (i % 10)));
const perOutput = Math.round(
  real.reduce((s, x) => s + new Set(fingerprints(x).map((f) => f.hash)).size, 0) / real.length,
);
t = performance.now();
const random = prng(5);
const batch = [];
for (let i = 0; i < OUTPUTS - real.length; i++) {
  batch.push({
    request_id: `req_${i}`,
    org_id: 'org_bulk',
    created_at: '2026-11-01T00:00:00.000Z',
    manifest: 'x'.repeat(300),
    fingerprints: Uint32Array.from({ length: perOutput }, () => Math.floor(random() * 2 ** 32)).sort(),
  });
  if (batch.length === 5000) {
    await store.fingerprints.register(batch.splice(0));
    if (i % 100_000 < 5000) process.stderr.write(`\rregistering: ${Math.round((i / OUTPUTS) * 100)}%`);
  }
}
await store.fingerprints.register(batch.splice(0));
real.forEach((text, i) =>
  registry.register(
    { request_id: `real_${i}`, org_id: 'org', created_at: '2026-11-01T00:00:00.000Z', manifest: 'x'.repeat(300) },
    text,
  ),
);
await registry.flush();
process.stderr.write('\n');
const stats = await store.fingerprints.stats();
console.log(
  `registered ${stats.outputs} outputs (${stats.fingerprints} fingerprints, ~${perOutput} per output) in ${((performance.now() - t) / 1000).toFixed(0)} s`,
);

// 3. Verify latency: edited copies of real outputs inside longer documents, and unrelated texts.
const times: number[] = [];
let found = 0;
for (let i = 0; i < 500; i++) {
  const query =
    i % 2
      ? pseudoText(900_000 + i, 6)
      : `${pseudoText(800_000 + i, 6)} ${replaceWords(real[i]!, 0.1, i)} ${pseudoText(700_000 + i, 6)}`;
  const t0 = performance.now();
  const { matches } = await registry.match(query);
  times.push(performance.now() - t0);
  if (i % 2 === 0 && matches.some((m) => m.output.request_id === `real_${i}`)) found++;
}
times.sort((a, b) => a - b);
console.log(
  `verify with ${stats.outputs} outputs: p50 ${times[250]!.toFixed(2)} ms, p99 ${times[495]!.toFixed(2)} ms (target < 10 ms); edited+embedded outputs found ${found}/250`,
);
// The bench's own heap and the store's: among the latter, each SQLite connection's page cache once filled.
console.log(`process RSS after the lookups: ${(process.memoryUsage().rss / 1_048_576).toFixed(0)} MB`);
await store.close();
const bytes = ['conduit.sqlite', 'conduit.sqlite-wal'].reduce((s, f) => {
  try {
    return s + statSync(join(dir, f)).size;
  } catch {
    return s;
  }
}, 0);
console.log(
  `storage: ${(bytes / stats.outputs).toFixed(0)} bytes per registered output (database ${(bytes / 1e6).toFixed(0)} MB, manifests included)`,
);
rmSync(dir, { recursive: true, force: true });
