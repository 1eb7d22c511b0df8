import { runWriteService } from '@shecun/hosting';
import { OrganizationsCommandsModule, OrganizationsProjectionModule } from '@shecun/organizations';
import { MIGRATIONS } from './migrations';
import { ORGANIZATIONS_SERVICE_ENTITIES } from './write-database';

/** The organizations write service of the distributed topology: registry, pairings, teams, the pairing expiry sweep. */
runWriteService(
  'organizations service',
  { entities: ORGANIZATIONS_SERVICE_ENTITIES, migrations: MIGRATIONS, imports: [OrganizationsCommandsModule, OrganizationsProjectionModule] },
  3005,
).catch((error) => {
  console.error(error);
  process.exit(1);
});
