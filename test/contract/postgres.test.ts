// The store contract against the cluster's store: PostgreSQL, a fresh database of its own.
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { createTestDatabase } from '../helpers/cluster.ts';
import { storeContract } from './store.contract.ts';

storeContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const store = await openPostgresStore(database.url);
  return {
    store,
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
});
