import { flowStream, fundStream, LEDGER_CHECKPOINT_STREAM } from '@shecun/donations';
import { accessStream, sessionStream, userStream } from '@shecun/identity';
import { needStream } from '@shecun/needs';
import { keyAreaStream, organizationStream, pairingStream, teamStream } from '@shecun/organizations';
import { pushFeedStream, pushSettingsStream } from '@shecun/push';
import { READ_MODEL_FEEDS, STREAM_CATALOGUE } from './read-model-feeds';

/** Every stream a context writes has a topic in the catalogue, and every projector feed consumes a catalogued topic. */
describe('the published streams catalogue', () => {
  it('maps each context\'s streams to the context\'s topic', () => {
    const streams: Array<[string, string]> = [
      [needStream('n1'), 'shecun.needs.v1'],
      [organizationStream('org-1'), 'shecun.organizations.v1'],
      [pairingStream('p1'), 'shecun.organizations.v1'],
      [keyAreaStream('441826105'), 'shecun.organizations.v1'],
      [teamStream('t1'), 'shecun.organizations.v1'],
      [flowStream('f1'), 'shecun.donations.v1'],
      [fundStream('fund-1'), 'shecun.donations.v1'],
      [LEDGER_CHECKPOINT_STREAM, 'shecun.donations.v1'],
      [userStream('u1'), 'shecun.identity.v1'],
      [sessionStream('s1'), 'shecun.identity.v1'],
      [accessStream('a1'), 'shecun.identity.v1'],
      [pushSettingsStream('org-1'), 'shecun.push.v1'],
      [pushFeedStream('org-1'), 'shecun.push.v1'],
    ];
    expect(streams.map(([stream]) => [stream, STREAM_CATALOGUE.topicFor(stream)])).toEqual(streams);
  });

  it('feeds the read models only from catalogued topics', () => {
    expect(() => STREAM_CATALOGUE.check(READ_MODEL_FEEDS.flatMap((f) => f.topics))).not.toThrow();
  });
});
