import { createTestDatabase } from '../../../test/support/pg';
import { evidenceStorageContract } from './contract/storage.contract';
import { PostgresEvidenceStorage } from './pg-storage';

evidenceStorageContract('PostgreSQL (throwaway database)', async () => {
  const db = await createTestDatabase('shecun_evidence');
  const storage = PostgresEvidenceStorage.fromUrl(db.url);
  const { Client } = await import('pg');
  return {
    storage,
    tamper: async (sha256, bytes) => {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      await c.query('UPDATE evidence_files SET bytes = $2 WHERE sha256 = $1', [sha256, bytes]);
      await c.end();
    },
    close: async () => {
      await storage.close();
      await db.drop();
    },
  };
});
