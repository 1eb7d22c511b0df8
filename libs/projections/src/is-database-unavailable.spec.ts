import { isDatabaseUnavailable } from './failure-policy';

describe('isDatabaseUnavailable', () => {
  it('recognises an unreachable or restarting PostgreSQL, also inside TypeORM errors', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    const typeorm = Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('x'), { code: '08006' }) });
    expect(isDatabaseUnavailable(typeorm)).toBe(true);
  });

  it('does not mistake a bad statement or a bad event for an outage', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
