import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { cohortIndexContract } from './contract/cohort-index.contract';
import { MonitoredNeed } from './monitoring.projection';

describe('the dashboard cohort index (SQLite file)', () => {
  cohortIndexContract(
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cohort-index-'));
      return new DataSource({ type: 'better-sqlite3', database: join(dir, 'read.sqlite'), entities: [MonitoredNeed], synchronize: true }).initialize();
    },
    async (dataSource) => {
      const file = dataSource.options.database as string;
      await dataSource.destroy();
      rmSync(join(file, '..'), { recursive: true, force: true });
    },
  );
});
