import { fromBusMessage, toBusMessage, topicForStream } from './integration-events';

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
});
