import { runWriteService } from '@shecun/hosting';
import { NeedsCommandsModule } from '@shecun/needs';
import { MIGRATIONS } from './migrations';
import { NEEDS_SERVICE_ENTITIES } from './write-database';

/** The needs write service of the distributed topology. */
runWriteService('needs service', { entities: NEEDS_SERVICE_ENTITIES, migrations: MIGRATIONS, imports: [NeedsCommandsModule] }, 3001).catch((error) => {
  console.error(error);
  process.exit(1);
});
