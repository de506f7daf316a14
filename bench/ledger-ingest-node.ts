// One gateway node's ledger writer for `npm run bench:ledger-ingest` (a process of its own, as on a real node):
// connects, says `ready`, starts consuming the cluster's usage stream into PostgreSQL on `start`, reports each
// committed batch (request ids, when) over IPC, and stops on `stop`.
import { openJetStream } from '../src/store/nats/jetstream.ts';
import { DEFAULT_WRITER_OPTIONS, LedgerWriter } from '../src/store/nats/ledger-writer.ts';
import { usageStreamNames } from '../src/store/nats/names.ts';
import { openPostgresStore } from '../src/store/postgres/index.ts';

const { BENCH_DATABASE_URL, BENCH_CLUSTER, BENCH_NATS_URL } = process.env as Record<string, string>;
// The system of record's own batch insert, as a gateway node writes the ledger.
const store = await openPostgresStore(BENCH_DATABASE_URL, (err) => console.error(err));
const ledger = process.env.BENCH_NULL_SINK ? { recordBatch: async () => {} } : store.usage;
const link = await openJetStream(BENCH_NATS_URL, usageStreamNames(BENCH_CLUSTER));
const writer = new LedgerWriter(
  link,
  ledger,
  { error: (m, e) => console.error(m, e), warn: console.warn, info: console.log },
  {
    ...DEFAULT_WRITER_OPTIONS,
    ...(process.env.BENCH_BATCH ? { batchSize: Number(process.env.BENCH_BATCH) } : {}),
    ...(process.env.BENCH_WRITES ? { concurrentWrites: Number(process.env.BENCH_WRITES) } : {}),
  },
  (events) => process.send!({ at: performance.timeOrigin + performance.now(), ids: events.map((e) => e.request_id) }),
);
process.on('message', async (m: string) => {
  if (m === 'start') return void (await writer.start());
  await writer.close();
  await link.close();
  await store.close();
  process.exit(0);
});
process.send!({ ready: true });
