import { deliveryRecordOf } from './organization-profile';

describe('delivery record', () => {
  const row = (status: string, over: Partial<{ acceptedAt: string | null; deliveryCount: number; overdue: boolean }> = {}) => ({
    status,
    acceptedAt: null as string | null,
    deliveryCount: 0,
    overdue: false,
    ...over,
  });

  it('counts each commitment under every question it answers', () => {
    const record = deliveryRecordOf([
      row('offered'),
      row('declined'),
      row('accepted', { acceptedAt: '2026-01-02' }),
      row('accepted', { acceptedAt: '2026-01-02', overdue: true }),
      row('accepted', { acceptedAt: '2026-01-02', deliveryCount: 1 }),
      row('delivered', { acceptedAt: '2026-01-02', deliveryCount: 2 }),
      row('withdrawn', { acceptedAt: '2026-01-02' }),
      row('withdrawn'),
    ]);
    expect(record).toEqual({ offered: 8, accepted: 5, delivered: 2, confirmed: 1, withdrawn: 2, declined: 1, overdue: 1 });
  });

  it('is all zeros without commitments', () => {
    expect(deliveryRecordOf([])).toEqual({ offered: 0, accepted: 0, delivered: 0, confirmed: 0, withdrawn: 0, declined: 0, overdue: 0 });
  });
});
