// Worker thread: writes fingerprint rows into the embedded database on its own connection, so that the
// B-tree inserts (a few µs per row, ~50 rows per output) never take the gateway's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import type { RegisteredOutput } from '../ports.ts';
import { openSqlite } from './db.ts';
import { SqlFingerprintStore } from './provenance.ts';

const { raw } = openSqlite((workerData as { file: string }).file);
const store = new SqlFingerprintStore(raw);

parentPort!.on('message', async (message: { id: number; outputs: RegisteredOutput[] }) => {
  try {
    await store.register(message.outputs);
    parentPort!.postMessage({ id: message.id, ok: true });
  } catch (err) {
    parentPort!.postMessage({ id: message.id, ok: false, error: (err as Error).message });
  }
});
