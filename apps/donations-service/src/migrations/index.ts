import { WriteServiceBase1795436239746 } from './1795436239746-WriteServiceBase';
import { Sessions1796397173727 } from './1796397173727-Sessions';
import { AccessAuditOrganizations1796398174180 } from './1796398174180-AccessAuditOrganizations';
import { ParkedEvents1796398887815 } from './1796398887815-ParkedEvents';
import { ParkedEventResolutions1796600000000, ProjectionVersions1797100000000 } from '@shecun/projections';

/** Migrations of the donations service's database, in order. Generate the next with `scripts/generate-read-model-migration.js donations-service <Name>`. */
export const MIGRATIONS: Function[] = [WriteServiceBase1795436239746, Sessions1796397173727, AccessAuditOrganizations1796398174180, ParkedEvents1796398887815, ParkedEventResolutions1796600000000, ProjectionVersions1797100000000];
