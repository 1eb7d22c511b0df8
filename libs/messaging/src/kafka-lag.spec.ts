import { Registry } from 'prom-client';
import { PartitionLag, partitionLag, registerKafkaLagMetrics } from './kafka-lag';

describe('consumer-group lag', () => {
  it('is the log end minus the committed offset, never negative', () => {
    expect(partitionLag('40', '100', '0')).toBe(60);
    expect(partitionLag('100', '100', '0')).toBe(0);
    expect(partitionLag('120', '100', '0')).toBe(0);
  });

  it('counts everything retained for a group without a commit, or whose commit retention passed', () => {
    expect(partitionLag('-1', '100', '0')).toBe(100);
    expect(partitionLag('-1', '100', '30')).toBe(70);
    expect(partitionLag('10', '100', '30')).toBe(70);
    expect(partitionLag('-1', '0', '0')).toBe(0);
  });

  it('is a gauge per group, topic and partition, read once for scrapes close together, absent while reads fail', async () => {
    const registry = new Registry();
    let reads = 0;
    let answer: PartitionLag[] | Error = [
      { group: 'projector-needs', topic: 'shecun.needs.v1', partition: 0, lag: 7 },
      { group: 'projector-needs', topic: 'shecun.needs.v1', partition: 1, lag: 0 },
    ];
    const reader = {
      read: async () => {
        reads += 1;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
    registerKafkaLagMetrics(reader, [{ groupId: 'projector-needs', topics: ['shecun.needs.v1'] }], { registry, maxAgeMs: 60_000 });
    const text = await registry.metrics();
    expect(text).toContain('kafka_consumer_group_lag{group="projector-needs",topic="shecun.needs.v1",partition="0"} 7');
    expect(text).toContain('kafka_consumer_group_lag{group="projector-needs",topic="shecun.needs.v1",partition="1"} 0');
    await registry.metrics();
    expect(reads).toBe(1);

    const failing = new Registry();
    answer = new Error('broker down');
    registerKafkaLagMetrics(reader, [{ groupId: 'projector-needs', topics: ['shecun.needs.v1'] }], { registry: failing, maxAgeMs: 60_000 });
    const down = await failing.metrics();
    expect(down).not.toMatch(/^kafka_consumer_group_lag\{/m);
    // Counted when the read fails: the scrape after shows it.
    expect(await failing.metrics()).toContain('kafka_consumer_group_lag_read_failures_total 1');
    // A failed read is not kept: the next scrape asks again.
    answer = [{ group: 'projector-needs', topic: 'shecun.needs.v1', partition: 2, lag: 3 }];
    expect(await failing.metrics()).toContain('partition="2"} 3');
  });
});
