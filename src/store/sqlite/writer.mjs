// The SQLite writer thread: the embedded store's bulk writes (usage events from the outbox, fingerprint
// registrations, retention purges, the distillation detector's snapshots) on a connection of its own, so their
// transactions never run on the gateway's event loop. One thread, one connection: these writes never wait for
// each other's lock. Plain JavaScript, started without the TypeScript loader.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { tuneConnection } from './connection.mjs';
import { abuseWrites } from './abuse-writes.mjs';
import { fingerprintWrites } from './fingerprint-writes.mjs';
import { usageWrites } from './usage-writes.mjs';
import { lowerThisThreadPriority } from '../../util/thread-priority.ts';

// Below the request path (nice 10): nothing here is waited for by a response (usage events are durable in the
// outbox before it completes), so it takes the time the event loop leaves idle first. At 10, not 19: under
// sustained load it still gets a share, and keeps up.
lowerThisThreadPriority(10);

const db = new Database(workerData.file);
tuneConnection(db);
const fingerprints = fingerprintWrites(db);
const insertUsage = usageWrites(db);
const saveAbuseProfiles = abuseWrites(db);

const ops = {
  usage: (jsonLines) => insertUsage(jsonLines),
  fingerprints: (batch) => fingerprints.register(batch),
  purgeFingerprints: (before) => fingerprints.purge(before),
  abuseProfiles: (batch) => saveAbuseProfiles(batch),
};

parentPort.on('message', ({ id, op, arg }) => {
  try {
    parentPort.postMessage({ id, result: ops[op](arg) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
