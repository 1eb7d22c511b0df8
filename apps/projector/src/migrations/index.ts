import { ReadModels1795420514364 } from './1795420514364-ReadModels';
import { IdentityReadModels1795428518840 } from './1795428518840-IdentityReadModels';
import { TeamsAndHandovers1795430244405 } from './1795430244405-TeamsAndHandovers';
import { OrganizationsAndDonations1795436239178 } from './1795436239178-OrganizationsAndDonations';
import { MonitoringReadModel1795456153038 } from './1795456153038-MonitoringReadModel';
import { MatchingReadModel1795459298871 } from './1795459298871-MatchingReadModel';
import { IdentityOrganizationScopes1796397031353 } from './1796397031353-IdentityOrganizationScopes';
import { Sessions1796397173450 } from './1796397173450-Sessions';
import { DonationOrganizations1796403600000 } from './1796403600000-DonationOrganizations';
import { DonationPeople1797000000000 } from './1797000000000-DonationPeople';
import { AccessAuditOrganizations1796398173862 } from './1796398173862-AccessAuditOrganizations';
import { ParkedEvents1796398870376 } from './1796398870376-ParkedEvents';
import { OrganizationKindsForGrants1796399122017 } from './1796399122017-OrganizationKindsForGrants';
import { GatewayIdempotencyKeys1796500000000 } from './1796500000000-GatewayIdempotencyKeys';
import { ParkedEventResolutions1796600000000, ProjectionVersions1797100000000, ProjectionRebuilds1796900000000 } from '@shecun/projections';
import { ProcessedEventsByAge1796700000000 } from './1796700000000-ProcessedEventsByAge';
import { MonitoringNeedsByPosition1796800000000 } from './1796800000000-MonitoringNeedsByPosition';

/** Read-model migrations, in order. Generate the next with scripts/generate-read-model-migration.js. */
export const MIGRATIONS: Function[] = [ReadModels1795420514364, IdentityReadModels1795428518840, TeamsAndHandovers1795430244405, OrganizationsAndDonations1795436239178, MonitoringReadModel1795456153038, MatchingReadModel1795459298871, IdentityOrganizationScopes1796397031353, Sessions1796397173450, DonationOrganizations1796403600000, AccessAuditOrganizations1796398173862, ParkedEvents1796398870376, OrganizationKindsForGrants1796399122017, GatewayIdempotencyKeys1796500000000, ParkedEventResolutions1796600000000, ProcessedEventsByAge1796700000000, MonitoringNeedsByPosition1796800000000, ProjectionRebuilds1796900000000, DonationPeople1797000000000, ProjectionVersions1797100000000];
