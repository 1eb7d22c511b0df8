import { defineEventVersions } from '@shecun/event-store';
import { checkTopics, fromBusMessage, toBusMessage, topicForStream, UnknownStreamError } from './integration-events';

describe('integration events', () => {
  it('round-trips an event through a bus message keyed by its stream', () => {
    const event = {
      id: 'e1', type: 'NeedPublished', schemaVersion: 1, data: { needId: 'n1' }, streamName: 'need-n1', revision: 1, position: 42,
      metadata: { actorId: 'a', actorRole: 'coordinator', correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00Z' },
    };
    const msg = toBusMessage(event);
    expect(msg.key).toBe('need-n1');
    expect(msg.headers['event-id']).toBe('e1');
    expect(fromBusMessage(msg)).toEqual(event);
    expect(topicForStream('need-n1')).toBe('shecun.needs.v1');
  });

  it('upcasts an older version on the way in, as the event store does on reading', () => {
    defineEventVersions('SpecBusNoteWritten', [(v1) => ({ body: v1.text })]);
    const v1 = {
      id: 'e2', type: 'SpecBusNoteWritten', schemaVersion: 1, data: { text: '你好' }, streamName: 'need-n2', revision: 0, position: 43,
      metadata: { actorId: 'a', actorRole: 'coordinator', correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00Z' },
    };
    expect(fromBusMessage(toBusMessage(v1))).toMatchObject({ schemaVersion: 2, data: { body: '你好' }, stored: { schemaVersion: 1, data: { text: '你好' } } });
  });

  it('maps every stream family to its context\'s topic and refuses one outside the catalogue', () => {
    expect(topicForStream('pairing-key-441826105')).toBe('shecun.organizations.v1');
    expect(topicForStream('ledger-checkpoints')).toBe('shecun.donations.v1');
    expect(topicForStream('push-settings-org-1')).toBe('shecun.push.v1');
    expect(() => topicForStream('volunteer-v1')).toThrow(UnknownStreamError);
    expect(() => checkTopics(['shecun.needs.v1', 'shecun.misc.v1'])).toThrow(/unknown topics shecun.misc.v1/);
  });
});
