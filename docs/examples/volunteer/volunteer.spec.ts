import { CONTEXT_READ_MODEL_MIGRATIONS, commandRoutesOf, DISTRIBUTED_READ_MODEL_ENTITIES, READ_MODEL_FEEDS, readModelFeeds, STREAM_CATALOGUE } from '@shecun/hosting';
import { actAs, removeDir, staffOf, startEmbeddedApp, TestApp } from '../../../test/support/embedded-app';
import { VolunteerServiceView } from './volunteer.projection';

/** The worked example, once its folder and one line per hosting app are in: it runs in both topologies' composition. */
describe('an added context: volunteer service records', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startEmbeddedApp();
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('takes its command and answers its query in the embedded app', async () => {
    const staff = await actAs(t, staffOf('org-volunteer-1'));
    const recorded = await t.http().post('/api/volunteer-service/org-volunteer-1').set(staff).send({ volunteers: 3, hours: 12, activity: '村小学课后辅导', serviceDate: '2026-11-30' }).expect(201);
    expect(recorded.body).toMatchObject({ records: 1, hours: 12 });
    const read = await t.http().get('/api/volunteer-service/org-volunteer-1').set(staff).set('X-Min-Position', String(recorded.body.position)).expect(200);
    expect(read.body.hours).toBe(12);
    expect(read.body.items).toEqual([expect.objectContaining({ activity: '村小学课后辅导', volunteers: 3, hours: 12 })]);
  });

  it('refuses another organization’s staff and bad input, appending nothing', async () => {
    const [other, staff] = [await actAs(t, staffOf('org-other')), await actAs(t, staffOf('org-volunteer-1'))];
    const before = await t.eventCount();
    await t.http().post('/api/volunteer-service/org-volunteer-1').set(other).send({ volunteers: 1, hours: 2, activity: '探访', serviceDate: '2026-11-30' }).expect(403);
    await t.http().post('/api/volunteer-service/org-volunteer-1').set(staff).send({ volunteers: 1, hours: 30, activity: '探访', serviceDate: '2026-11-30' }).expect(422);
    await t.http().post('/api/volunteer-service/org-volunteer-1').set(staff).send({ volunteers: 'three' }).expect(400);
    expect(await t.eventCount()).toBe(before);
  });

  it('is composed into the distributed apps: topic, feed, tables, gateway route to its write service', () => {
    expect(STREAM_CATALOGUE.topicFor('volunteer-org-volunteer-1')).toBe('shecun.volunteer.v1');
    expect(readModelFeeds()).toContainEqual({ name: 'volunteer', topics: ['shecun.volunteer.v1'] });
    expect(READ_MODEL_FEEDS.length).toBeGreaterThan(1);
    expect(DISTRIBUTED_READ_MODEL_ENTITIES).toContain(VolunteerServiceView);
    expect(CONTEXT_READ_MODEL_MIGRATIONS.map((m) => m.name)).toContainEqual(expect.stringMatching(/^VolunteerService\d+$/));
    const routes = commandRoutesOf({ NEEDS_SERVICE_URL: 'http://needs:3001', ORGANIZATIONS_SERVICE_URL: 'http://organizations:3005' });
    expect(routes).toContainEqual({ service: 'organizations', prefix: '/api/volunteer-service', target: 'http://organizations:3005', reads: false });
  });
});
