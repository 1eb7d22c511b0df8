import { DonationsCommandsModule } from '@shecun/donations';
import { runWriteService } from '@shecun/hosting';
import { MIGRATIONS } from './migrations';
import { DONATIONS_SERVICE_ENTITIES } from './write-database';

/** The donations write service of the distributed topology: flows and funds. */
runWriteService('donations service', { entities: DONATIONS_SERVICE_ENTITIES, migrations: MIGRATIONS, imports: [DonationsCommandsModule] }, 3004).catch((error) => {
  console.error(error);
  process.exit(1);
});
