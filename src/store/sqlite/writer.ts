// The SQLite writer thread: the embedded store's bulk writes (usage events from the outbox, fingerprint
// registrations, retention purges, the distillation detector's snapshots) on a connection of its own, so their
// transactions never run on the gateway's event loop. One thread, one connection: these writes never wait for
// each other's lock. Started by writer-thread.ts, which sends the messages typed there as WriterMessage.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../../util/thread-priority.ts';
import { abuseWrites } from './abuse-writes.ts';
import { tuneConnection } from './connection.ts';
import { fingerprintWrites } from './fingerprint-writes.ts';
import { usageWrites } from './usage-writes.ts';
import type { WriterMessage } from './writer-thread.ts';

// Below the request path (nice 10): nothing here is waited for by a response (usage events are durable in the
// outbox before it completes), so it takes the time the event loop leaves idle first. At 10, not 19: under
// sustained load it still gets a share, and keeps up.
lowerThisThreadPriority(10);

const db = new Database((workerData as { file: string }).file);
tuneConnection(db);
const fingerprints = fingerprintWrites(db);
const insertUsage = usageWrites(db);
const saveAbuseProfiles = abuseWrites(db);

const run = (message: WriterMessage): number => {
  switch (message.op) {
    case 'usage':
      return insertUsage(message.arg);
    case 'fingerprints':
      return fingerprints.register(message.arg);
    case 'purgeFingerprints':
      return fingerprints.purge(message.arg);
    case 'abuseProfiles':
      return saveAbuseProfiles(message.arg);
  }
};

const port = parentPort!;
port.on('message', (message: WriterMessage & { id: number }) => {
  try {
    port.postMessage({ id: message.id, result: run(message) });
  } catch (err) {
    port.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) });
  }
});
