import { PushService1795459482946 } from './1795459482946-PushService';
import { Sessions1796397173986 } from './1796397173986-Sessions';
import { AccessAuditOrganizations1796398174529 } from './1796398174529-AccessAuditOrganizations';
import { ParkedEvents1796398893318 } from './1796398893318-ParkedEvents';
import { ParkedEventResolutions1796600000000, ProjectionVersions1797100000000 } from '@shecun/projections';
import { Notices1796610000000 } from './1796610000000-Notices';
import { NoticeReportRegions1797200000001 } from './1797200000001-NoticeReportRegions';

/** Migrations of the push service's database, in order. Generate the next with `scripts/generate-read-model-migration.js push-service <Name>`. */
export const MIGRATIONS: Function[] = [PushService1795459482946, Sessions1796397173986, AccessAuditOrganizations1796398174529, ParkedEvents1796398893318, ParkedEventResolutions1796600000000, Notices1796610000000, ProjectionVersions1797100000000, NoticeReportRegions1797200000001];
