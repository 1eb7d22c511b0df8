import { defineEventVersions } from '@shecun/event-store';
import { fromBusMessage, StreamCatalogue, toBusMessage, UndeclaredEventError, UnknownStreamError } from './integration-events';

const catalogue = new StreamCatalogue([
  { name: 'needs', streams: { need: 'shecun.needs.v1' } },
  { name: 'organizations', streams: { pairing: 'shecun.organizations.v1', org: 'shecun.organizations.v1' } },
]);

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
    expect(catalogue.topicFor('need-n1')).toBe('shecun.needs.v1');
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
    expect(catalogue.topicFor('pairing-key-441826105')).toBe('shecun.organizations.v1');
    expect(catalogue.topics).toEqual(['shecun.needs.v1', 'shecun.organizations.v1']);
    expect(() => catalogue.topicFor('volunteer-v1')).toThrow(UnknownStreamError);
    expect(() => catalogue.check(['shecun.needs.v1', 'shecun.misc.v1'])).toThrow(/unknown topics shecun.misc.v1/);
  });

  it('refuses to publish an event type its family\'s context does not declare', () => {
    const declared = new StreamCatalogue([{ name: 'needs', streams: { need: 'shecun.needs.v1' }, events: { need: ['NeedPosted'] } }]);
    expect(declared.topicOf({ streamName: 'need-n1', type: 'NeedPosted' })).toBe('shecun.needs.v1');
    expect(() => declared.topicOf({ streamName: 'need-n1', type: 'NeedInternalNote' })).toThrow(UndeclaredEventError);
    expect(() => declared.topicOf({ streamName: 'need-n1', type: 'NeedInternalNote' })).toThrow(/"NeedInternalNote" \(stream need-n1\) is declared by no context/);
    expect(() => declared.topicOf({ streamName: 'volunteer-v1', type: 'NeedPosted' })).toThrow(UnknownStreamError);
  });

  it('refuses a stream family two contexts declare', () => {
    expect(() => new StreamCatalogue([{ name: 'needs', streams: { need: 'a' } }, { name: 'other', streams: { need: 'b' } }])).toThrow(/"need" is declared by both needs and other/);
  });
});
