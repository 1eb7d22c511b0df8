import { chinaDate, chinaToday } from './calendar';

describe('calendar dates in China time', () => {
  it('turns the date at midnight in Guangdong, 16:00 UTC', () => {
    expect(chinaDate('2026-11-23T15:59:59.999Z')).toBe('2026-11-23');
    expect(chinaDate('2026-11-23T16:00:00.000Z')).toBe('2026-11-24');
    expect(chinaDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(chinaDate(Date.parse('2024-02-28T16:30:00Z'))).toBe('2024-02-29');
  });
  it('today is that date of the instant given', () => {
    expect(chinaToday(new Date('2026-11-23T17:00:00Z'))).toBe('2026-11-24');
    expect(chinaToday(Date.parse('2026-11-23T07:59:00Z'))).toBe('2026-11-23');
  });
});
