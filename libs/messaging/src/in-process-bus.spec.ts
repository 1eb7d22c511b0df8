import { InProcessBus } from './in-process-bus';
import { fromBusMessage, toBusMessage, topicForStream } from './integration-events';
import { deadLetterTopic } from './types';

const message = (key: string, value: string) => ({ key, value, headers: { 'event-id': value } });

describe('in-process bus', () => {
  it('delivers in order per group, retries a failing message, then dead-letters it and goes on', async () => {
    const bus = new InProcessBus();
    await bus.publish('t', [message('a', '1'), message('a', 'poison'), message('a', '3')]);
    const handled: string[] = [];
    const attempts = new Map<string, number>();
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const consumer = await bus.consume({
      groupId: 'g',
      topics: ['t'],
      maxAttempts: 3,
      handle: async (m) => {
        attempts.set(m.value, (attempts.get(m.value) ?? 0) + 1);
        if (m.value === 'poison') throw new Error('cannot apply');
        handled.push(m.value);
        if (m.value === '3') done();
      },
    });
    await finished;
    await consumer.stop();
    expect(handled).toEqual(['1', '3']);
    expect(attempts.get('poison')).toBe(3);
    const [dead] = bus.messages(deadLetterTopic('t'));
    expect(dead).toMatchObject({ key: 'a', value: 'poison', headers: { 'dlt-error': 'cannot apply', 'dlt-topic': 't', 'dlt-offset': '1' } });
  });

  it('waits out a transient failure beyond maxAttempts instead of dead-lettering, and keeps the order', async () => {
    const bus = new InProcessBus();
    await bus.publish('t', [message('a', '1'), message('a', '2')]);
    const handled: string[] = [];
    let outage = 5; // more failures than maxAttempts
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const consumer = await bus.consume({
      groupId: 'g',
      topics: ['t'],
      maxAttempts: 2,
      isTransient: (error) => (error as Error).message === 'database restarting',
      handle: async (m) => {
        if (m.value === '1' && outage-- > 0) throw new Error('database restarting');
        handled.push(m.value);
        if (m.value === '2') done();
      },
    });
    await finished;
    await consumer.stop();
    expect(handled).toEqual(['1', '2']);
    expect(bus.messages(deadLetterTopic('t'))).toEqual([]);
  });

  it('stops waiting on a transient failure when the consumer stops, leaving the message undelivered', async () => {
    const bus = new InProcessBus();
    await bus.publish('t', [message('a', '1')]);
    let tried!: () => void;
    const firstTry = new Promise<void>((r) => (tried = r));
    const consumer = await bus.consume({
      groupId: 'g',
      topics: ['t'],
      isTransient: () => true,
      handle: async () => {
        tried();
        throw new Error('database down');
      },
    });
    await firstTry;
    await consumer.stop();
    expect(bus.messages(deadLetterTopic('t'))).toEqual([]);
  });

  it('gives each consumer group its own position', async () => {
    const bus = new InProcessBus();
    await bus.publish('t', [message('k', 'x')]);
    const seen: string[] = [];
    for (const groupId of ['one', 'two']) {
      let got!: () => void;
      const arrived = new Promise<void>((r) => (got = r));
      const c = await bus.consume({ groupId, topics: ['t'], handle: async (m) => void (seen.push(`${groupId}:${m.value}`), got()) });
      await arrived;
      await c.stop();
    }
    expect(seen).toEqual(['one:x', 'two:x']);
  });
});

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
