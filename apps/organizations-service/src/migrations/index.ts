import { WriteServiceViews1795436240425 } from './1795436240425-WriteServiceViews';
import { Sessions1796397173848 } from './1796397173848-Sessions';
import { AccessAuditOrganizations1796398174355 } from './1796398174355-AccessAuditOrganizations';
import { ParkedEvents1796398883371 } from './1796398883371-ParkedEvents';
import { ParkedEventResolutions1796600000000, ProjectionVersions1797100000000 } from '@shecun/projections';

/** Migrations of the organizations service's database, in order. Generate the next with `scripts/generate-read-model-migration.js organizations-service <Name>`. */
export const MIGRATIONS: Function[] = [WriteServiceViews1795436240425, Sessions1796397173848, AccessAuditOrganizations1796398174355, ParkedEvents1796398883371, ParkedEventResolutions1796600000000, ProjectionVersions1797100000000];
