import { IdempotencyKeys1795427914254 } from './1795427914254-IdempotencyKeys';
import { GrantsAndStandings1795428517967 } from './1795428517967-GrantsAndStandings';
import { TeamRosters1795431293542 } from './1795431293542-TeamRosters';
import { Sessions1796397173620 } from './1796397173620-Sessions';
import { AccessAuditOrganizations1796398174040 } from './1796398174040-AccessAuditOrganizations';
import { ParkedEvents1796398876639 } from './1796398876639-ParkedEvents';
import { ParkedEventResolutions1796600000000, ProjectionVersions1797100000000 } from '@shecun/projections';

/** Migrations of the needs service's database, in order. Generate the next with `scripts/generate-read-model-migration.js needs-service <Name>`. */
export const MIGRATIONS: Function[] = [IdempotencyKeys1795427914254, GrantsAndStandings1795428517967, TeamRosters1795431293542, Sessions1796397173620, AccessAuditOrganizations1796398174040, ParkedEvents1796398876639, ParkedEventResolutions1796600000000, ProjectionVersions1797100000000];
