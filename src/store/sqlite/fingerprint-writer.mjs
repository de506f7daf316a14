// Fingerprint writer thread: the registry's write transactions (inserts and retention purges) on a connection
// of its own, so they never run on the gateway's event loop. Plain JavaScript, started without the TypeScript
// loader.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { fingerprintWrites } from './fingerprint-writes.mjs';

const db = new Database(workerData.file);
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -65536');
const writes = fingerprintWrites(db);

parentPort.on('message', (message) => {
  try {
    const result = message.purge !== undefined ? writes.purge(message.purge) : (writes.register(message.rows), message.rows.length);
    parentPort.postMessage({ id: message.id, result });
  } catch (err) {
    parentPort.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) });
  }
});

parentPort.on('close', () => db.close());
