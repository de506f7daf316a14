// One gateway node's ledger writer for `npm run bench:ledger-ingest` (a process of its own, as on a real node):
// connects, says `ready`, starts consuming the cluster's usage stream into PostgreSQL on `start`, reports each
// committed batch (request ids, when) over IPC, and stops on `stop`.
import { openJetStream } from '../src/store/nats/jetstream.ts';
import { LedgerWriter } from '../src/store/nats/ledger-writer.ts';
import { usageStreamNames } from '../src/store/nats/names.ts';
import { pgUsageLedger } from '../test/helpers/usage-ledger-pg.ts';

const { BENCH_DATABASE_URL, BENCH_CLUSTER, BENCH_NATS_URL } = process.env as Record<string, string>;
const ledger = await pgUsageLedger(BENCH_DATABASE_URL);
const link = await openJetStream(BENCH_NATS_URL, usageStreamNames(BENCH_CLUSTER));
const writer = new LedgerWriter(
  link,
  ledger,
  { error: (m, e) => console.error(m, e), warn: console.warn, info: console.log },
  undefined,
  (events) => process.send!({ at: performance.timeOrigin + performance.now(), ids: events.map((e) => e.request_id) }),
);
process.on('message', async (m: string) => {
  if (m === 'start') return void (await writer.start());
  await writer.close();
  await link.close();
  await ledger.close();
  process.exit(0);
});
process.send!({ ready: true });
