import { ContextDefinition } from '@shecun/projections';
import { VolunteerService1796800000000 } from './migrations/1796800000000-VolunteerService';
import { VolunteerCommandsModule, VolunteerModule, VolunteerQueriesModule } from './volunteer.module';
import { VolunteerProjection, VolunteerServiceView } from './volunteer.projection';

export const VOLUNTEER_TOPIC = 'shecun.volunteer.v1';

/** Volunteer service records (志愿服务记录): the worked example of adding a context. */
export const volunteerContext: ContextDefinition = {
  name: 'volunteer',
  streams: { volunteer: VOLUNTEER_TOPIC },
  events: { volunteer: ['VolunteerServiceRecorded'] },
  embedded: { module: () => VolunteerModule, entities: [VolunteerServiceView] },
  distributed: {
    feeds: [{ topics: [VOLUNTEER_TOPIC], create: () => new VolunteerProjection() }],
    entities: [VolunteerServiceView],
    // Generated with `node scripts/generate-read-model-migration.js VolunteerService --context volunteer`.
    migrations: [VolunteerService1796800000000],
    gateway: () => [VolunteerQueriesModule],
    // Hosted by the organizations service (one line in its list of contexts).
    commands: { service: 'organizations', prefixes: ['/api/volunteer-service'], modules: () => [VolunteerCommandsModule] },
  },
};
