import { Test } from '@nestjs/testing';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PROBLEM_CONTENT_TYPE } from '../problem';
import { HealthModule, standaloneTerminus } from './health.module';
import { checkReadiness, healthSettingsFromEnv, notReadyProblem, ReadinessCheck } from './readiness';

const never = () => new Promise<never>(() => undefined);

describe('readiness checks bounded by HEALTH_CHECK_TIMEOUT_MS', () => {
  it('counts a check that does not answer in time as down, without waiting for it, and names it', async () => {
    const terminus = await standaloneTerminus();
    try {
      let aborted = false;
      const checks: ReadinessCheck[] = [
        { key: 'database', zh: '数据库', en: 'database', check: async () => ({ ok: true }) },
        {
          key: 'kafka',
          zh: 'Kafka 消息代理',
          en: 'Kafka broker',
          check: (signal) => {
            signal.addEventListener('abort', () => (aborted = true));
            return never();
          },
        },
      ];
      const started = Date.now();
      const readiness = await checkReadiness(terminus.health, terminus.indicators, checks, 150);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(140);
      expect(took).toBeLessThan(1_500);
      expect(aborted).toBe(true);
      expect(readiness).toMatchObject({ ready: false, down: ['kafka'] });
      expect(readiness.result.details).toMatchObject({ database: { status: 'up', ok: true }, kafka: { status: 'down', message: 'timeout of 150ms exceeded' } });
      const body = notReadyProblem(readiness, checks, '/health');
      expect(body).toMatchObject({ status: 503, title: 'Service Unavailable', instance: '/health', down: ['kafka'] });
      expect(body.detail).toBe('尚未就绪：Kafka 消息代理不可用 (not ready: Kafka broker: timeout of 150ms exceeded)');
    } finally {
      await terminus.close();
    }
  });

  it('is ready when every check answers in time; a check that throws is down with its message', async () => {
    const terminus = await standaloneTerminus();
    try {
      const slowButInTime: ReadinessCheck = { key: 'eventStore', zh: '事件存储', en: 'event store', check: () => new Promise((r) => setTimeout(() => r({ head: 7 }), 30)) };
      expect(await checkReadiness(terminus.health, terminus.indicators, [slowButInTime], 1_000)).toMatchObject({ ready: true, down: [] });
      const failing: ReadinessCheck = { key: 'database', zh: '数据库', en: 'database', check: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5')) };
      const readiness = await checkReadiness(terminus.health, terminus.indicators, [slowButInTime, failing], 1_000);
      expect(readiness).toMatchObject({ ready: false, down: ['database'] });
      expect(notReadyProblem(readiness, [slowButInTime, failing], '/health').detail).toBe('尚未就绪：数据库不可用 (not ready: database: connect ECONNREFUSED 127.0.0.1:5)');
    } finally {
      await terminus.close();
    }
  });

  it('reads its settings from the environment and refuses values that are not whole numbers', () => {
    expect(healthSettingsFromEnv({})).toEqual({ timeoutMs: 2_000 });
    expect(healthSettingsFromEnv({ HEALTH_CHECK_TIMEOUT_MS: '500', HEALTH_MAX_LAG_EVENTS: '0' })).toEqual({ timeoutMs: 500, maxLagEvents: 0 });
    expect(() => healthSettingsFromEnv({ HEALTH_CHECK_TIMEOUT_MS: '0' })).toThrow(/HEALTH_CHECK_TIMEOUT_MS/);
    expect(() => healthSettingsFromEnv({ HEALTH_CHECK_TIMEOUT_MS: '1.5' })).toThrow(/HEALTH_CHECK_TIMEOUT_MS/);
    expect(() => healthSettingsFromEnv({ HEALTH_MAX_LAG_EVENTS: '-1' })).toThrow(/HEALTH_MAX_LAG_EVENTS/);
  });

  describe('GET /health of an app whose check hangs', () => {
    let app: INestApplication;
    beforeAll(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [HealthModule.forRoot({ checks: () => [{ key: 'database', zh: '数据库', en: 'database', check: never }] }, { HEALTH_CHECK_TIMEOUT_MS: '200' })],
      }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
    });
    afterAll(() => app.close());

    it('answers 503 problem+json naming the database once the timeout has passed; liveness answers 200 meanwhile', async () => {
      const started = Date.now();
      const [ready, live] = await Promise.all([request(app.getHttpServer()).get('/health'), request(app.getHttpServer()).get('/health/live')]);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(live.status).toBe(200);
      expect(live.body).toMatchObject({ status: 'alive', pid: process.pid });
      expect(ready.status).toBe(503);
      expect(ready.headers['content-type']).toMatch(new RegExp(`^${PROBLEM_CONTENT_TYPE.replace('+', '\\+')}`));
      expect(ready.body).toMatchObject({ status: 503, down: ['database'], detail: '尚未就绪：数据库不可用 (not ready: database: timeout of 200ms exceeded)' });
    });
  });
});
