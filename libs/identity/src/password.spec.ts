import { argon2id, hash } from 'argon2';
import { PasswordHasher, PasswordHashingSaturated } from './password';

describe('PasswordHasher', () => {
  it('hashes with argon2id m=19456 KiB, t=2, p=1 and verifies its own and older hashes, telling which need rehashing', async () => {
    const hasher = new PasswordHasher({ concurrency: 2, queueMax: 10 });
    const stored = await hasher.hash('ｐａｓｓｗｏｒｄ 2026');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await hasher.check('password 2026', stored)).toEqual({ ok: true, needsRehash: false }); // NFKC: full-width letters
    const older = await hash('password 2026', { type: argon2id, memoryCost: 65_536, timeCost: 3, parallelism: 4 });
    expect(await hasher.check('password 2026', older)).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.check('wrong', older)).toEqual({ ok: false, needsRehash: false });
    expect(await hasher.check('anything', null)).toEqual({ ok: false, needsRehash: false });
    expect(await hasher.check('anything', 'no-password')).toEqual({ ok: false, needsRehash: false });
  });

  it('runs at most `concurrency` at once, queues up to `queueMax`, and refuses beyond with a Retry-After', async () => {
    const hasher = new PasswordHasher({ concurrency: 1, queueMax: 2 });
    const started = [hasher.hash('one 1234567'), hasher.hash('two 1234567'), hasher.hash('three 1234567')];
    expect(hasher.load).toEqual({ running: 1, waiting: 2 });
    const refused = hasher.hash('four 1234567');
    await expect(refused).rejects.toBeInstanceOf(PasswordHashingSaturated);
    const error = (await refused.catch((e: unknown) => e)) as PasswordHashingSaturated;
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(error.getStatus()).toBe(503);
    await Promise.all(started);
    expect(hasher.load).toEqual({ running: 0, waiting: 0 });
    await expect(hasher.hash('five 1234567')).resolves.toMatch(/^\$argon2id\$/);
  });
});
