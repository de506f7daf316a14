// The store contract against the embedded store (SQLite in a data folder, its outbox and writer thread included).
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { tempDir } from '../helpers/gateway.ts';
import { storeContract } from './store.contract.ts';

storeContract('SQLite', async () => {
  const store = await openSqliteStore(tempDir());
  return { store, dispose: () => store.close() };
});
