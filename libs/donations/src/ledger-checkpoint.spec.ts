import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { LedgerEntry, LedgerVerifier, sealEvents, SealedBy } from './ledger';
import {
  CHECKPOINT_FORMAT,
  CheckpointComparer,
  CheckpointFile,
  checkpointFileProblems,
  checkpointSignatureValid,
  compareWithCheckpoint,
  keysOfJwks,
  leafBytes,
  leafHash,
  merkleRoot,
  SealedHead,
  signCheckpoint,
  UnsignedCheckpointFile,
} from './ledger-checkpoint';

const sha = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const leaf = (head: SealedHead) => sha(Buffer.from([0]), Buffer.from(JSON.stringify(head)));
const node = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);
const H = (c: string) => c.repeat(64);

const by: SealedBy = { actorId: 's1', actorRole: 'organization', actorOrganizationId: 'org-a', occurredAt: '2026-11-01T08:00:00.000Z' };

/** A little ledger in log order: donation-a with four events, fund-f with one, interleaved. */
function ledger(amounts = [100, 200, 300, 400]): LedgerEntry[] {
  const a = sealEvents('donation-a', { version: 0, lastHash: null }, amounts.map((amount, i) => ({ type: i === 0 ? 'DonationPledged' : 'DonationUsed', data: { amount } })), by);
  const f = sealEvents('fund-f', { version: 0, lastHash: null }, [{ type: 'FundEstablished', data: { name: '基金' } }], by);
  const entry = (stream: string, e: { type: string; data: object }, revision: number, position: number): LedgerEntry => ({
    position, stream, revision, id: `${stream}#${revision}`, type: e.type, data: e.data as Record<string, unknown>, metadata: by,
  });
  return [entry('donation-a', a[0], 0, 1), entry('fund-f', f[0], 0, 2), ...a.slice(1).map((e, i) => entry('donation-a', e, i + 1, 3 + i))];
}

/** The heads a checkpoint would seal for these entries. */
function headsOf(entries: LedgerEntry[]): SealedHead[] {
  const verifier = new LedgerVerifier();
  entries.forEach((e) => verifier.add(e));
  return verifier.streamHeads();
}

const compare = (sealed: SealedHead[], entries: LedgerEntry[]) => {
  const comparer = new CheckpointComparer({ id: 'cp-1', at: '2026-11-02T00:00:00.000Z', root: merkleRoot(sealed), streams: sealed });
  entries.forEach((e) => comparer.add(e));
  return comparer.report();
};

describe('ledger checkpoint: the Merkle root over the sealed heads', () => {
  it('given no heads, then the root is the SHA-256 of nothing', () => {
    expect(merkleRoot([])).toBe(createHash('sha256').digest('hex'));
  });

  it('given one head, then the root is its leaf hash: SHA-256(0x00 ‖ ["stream",seq,"hash"])', () => {
    const head: SealedHead = ['donation-a', 3, H('a')];
    expect(leafBytes(head).toString('utf8')).toBe(`["donation-a",3,"${H('a')}"]`);
    expect(merkleRoot([head])).toBe(leaf(head).toString('hex'));
    expect(leafHash(head)).toBe(leaf(head).toString('hex'));
  });

  it('given three heads in any order, then the root is RFC 6962’s over them sorted by stream', () => {
    const a: SealedHead = ['donation-a', 3, H('a')];
    const b: SealedHead = ['donation-b', 0, H('b')];
    const f: SealedHead = ['fund-f', 1, H('c')];
    const expected = node(node(leaf(a), leaf(b)), leaf(f)).toString('hex');
    expect(merkleRoot([f, a, b])).toBe(expected);
    expect(merkleRoot([b, f, a])).toBe(expected);
  });

  it('when any head changes (its sequence number or hash), then the root changes', () => {
    const heads: SealedHead[] = [['donation-a', 3, H('a')], ['fund-f', 1, H('c')]];
    const root = merkleRoot(heads);
    expect(merkleRoot([['donation-a', 2, H('a')], heads[1]])).not.toBe(root);
    expect(merkleRoot([['donation-a', 3, H('d')], heads[1]])).not.toBe(root);
    expect(merkleRoot(heads.slice(1))).not.toBe(root);
  });

  it('given a stream twice, then it is refused', () => {
    expect(() => merkleRoot([['donation-a', 3, H('a')], ['donation-a', 2, H('b')]])).toThrow('sealed twice');
  });
});

describe('ledger checkpoint: the ledger compared with a checkpoint', () => {
  const entries = ledger();
  const sealed = headsOf(entries);

  it('given a checkpoint of the ledger, when nothing changed and events and streams came after, then it matches', () => {
    const later = sealEvents('donation-b', { version: 0, lastHash: null }, [{ type: 'DonationPledged', data: { amount: 1 } }], by)[0];
    const report = compare(sealed, [...entries, { position: 9, stream: 'donation-b', revision: 0, id: 'b0', type: later.type, data: later.data as Record<string, unknown>, metadata: by }]);
    expect(report).toMatchObject({ ok: true, findings: [], streamsIntact: 2, streamsAfter: 1, ledger: { ok: true } });
  });

  it('when the last event of a stream is deleted, then the stream and the missing revision are named, though every chain still verifies', () => {
    const report = compare(sealed, entries.filter((e) => !(e.stream === 'donation-a' && e.revision === 3)));
    expect(report.ledger.ok).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([expect.objectContaining({ stream: 'donation-a', problem: 'events-missing', revision: 3, missing: [[3, 3]], sealedSeq: 3, detail: 'donation-a: revision 3 missing (sealed up to 3)' })]);
    expect(report.streamsIntact).toBe(1);
  });

  it('when the last two events are deleted and a new one takes the freed revision, then both revisions are still named: one missing, one different', () => {
    const kept = entries.filter((e) => !(e.stream === 'donation-a' && e.revision >= 2));
    const [reused] = sealEvents('donation-a', { version: 2, lastHash: (kept[kept.length - 1].data.ledger as { hash: string }).hash }, [{ type: 'DonationUsed', data: { amount: 1 } }], by);
    const report = compare(sealed, [...kept, { position: 20, stream: 'donation-a', revision: 2, id: 'new', type: reused.type, data: reused.data as Record<string, unknown>, metadata: by }]);
    expect(report.findings).toEqual([expect.objectContaining({ stream: 'donation-a', problem: 'events-missing', revision: 3, missing: [[3, 3]], detail: 'donation-a: revision 3 missing (sealed up to 3)' })]);
  });

  it('when a stream is gone, then it is named with every sealed revision', () => {
    const report = compare(sealed, entries.filter((e) => e.stream !== 'fund-f'));
    expect(report.findings).toEqual([expect.objectContaining({ stream: 'fund-f', problem: 'stream-missing', revision: 0, missing: [[0, 0]] })]);
  });

  it('when an event before the checkpoint is edited in place, then it is named as changed, with the broken link', () => {
    const edited = entries.map((e) => (e.stream === 'donation-a' && e.revision === 1 ? { ...e, data: { ...e.data, amount: 20 } } : e));
    const report = compare(sealed, edited);
    expect(report.findings).toEqual([expect.objectContaining({ stream: 'donation-a', problem: 'event-changed', revision: 1, eventId: 'donation-a#1', link: 'content-hash-mismatch' })]);
  });

  it('when a stream is rewritten and sealed again from the start, so every chain verifies, then its sealed head differs', () => {
    const rewritten = ledger([100, 20, 300, 400]);
    const report = compare(sealed, rewritten);
    expect(report.ledger.ok).toBe(true);
    expect(report.findings).toEqual([expect.objectContaining({ stream: 'donation-a', problem: 'head-differs', revision: 3, found: headsOf(rewritten)[0][2] })]);
  });

  it('when an event in the middle is deleted, then that revision is named as missing (not again as a changed event)', () => {
    const report = compare(sealed, entries.filter((e) => !(e.stream === 'donation-a' && e.revision === 1)));
    expect(report.findings).toEqual([expect.objectContaining({ stream: 'donation-a', problem: 'events-missing', revision: 1, missing: [[1, 1]] })]);
    expect(report.ledger.firstBrokenLink).toMatchObject({ stream: 'donation-a', revision: 2, problem: 'sequence-gap' });
  });

  it('given the observations directly, then the pure comparison names the same findings, sorted by stream', () => {
    const findings = compareWithCheckpoint([['fund-f', 0, H('f')], ['donation-a', 3, H('a')]], new Map([['donation-a', { missing: [[2, 3]] as [number, number][], hashAtSealed: null, firstBroken: null }]]));
    expect(findings.map((f) => [f.stream, f.problem, f.detail])).toEqual([
      ['donation-a', 'events-missing', 'donation-a: revisions 2-3 missing (sealed up to 3)'],
      ['fund-f', 'stream-missing', 'fund-f: the stream is gone; revisions 0-0 sealed'],
    ]);
  });
});

describe('ledger checkpoint: the signed file', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const streams = headsOf(ledger());
  const unsigned: UnsignedCheckpointFile = {
    format: CHECKPOINT_FORMAT, issuer: 'shecun', id: 'c0ffee00-0000-4000-8000-000000000001', at: '2026-11-02T00:00:00.000Z', root: merkleRoot(streams), streams,
    events: 5, throughPosition: 7, ledgerOk: true, brokenLinks: 0, reason: 'periodic', previous: null, by: { actorId: 'system', actorRole: 'system' },
  };
  const file = signCheckpoint(unsigned, privateKey, 'kid-1');

  it('given a file signed with the platform key, then its public key (or the JWKS holding it) verifies it', () => {
    expect(file.signature).toMatchObject({ alg: 'RS256', kid: 'kid-1', value: expect.stringMatching(/^[A-Za-z0-9_-]+$/) });
    expect(checkpointFileProblems(file)).toEqual([]);
    expect(checkpointSignatureValid(file, [{ key: publicKey }])).toBe(true);
    const jwks = { keys: [{ ...createPublicKey(privateKey).export({ format: 'jwk' }), kid: 'kid-1', alg: 'RS256', use: 'sig' }] };
    expect(checkpointSignatureValid(JSON.parse(JSON.stringify(file)) as CheckpointFile, keysOfJwks(jwks))).toBe(true);
  });

  it('when a head is changed and the root recomputed, or the signature comes from another key, then it does not verify', () => {
    const forged = { ...file, streams: file.streams.map((h, i) => (i === 0 ? ([h[0], h[1] - 1, h[2]] as SealedHead) : h)) };
    forged.root = merkleRoot(forged.streams);
    expect(checkpointFileProblems(forged)).toEqual([]);
    expect(checkpointSignatureValid(forged, [{ key: publicKey }])).toBe(false);
    expect(checkpointSignatureValid(signCheckpoint(unsigned, other.privateKey, 'kid-1'), [{ key: publicKey }])).toBe(false);
    expect(checkpointSignatureValid({ ...file, signature: { ...file.signature, alg: 'none' as 'RS256' } }, [{ key: publicKey }])).toBe(false);
  });

  it('when the root does not match the heads, the heads are unsorted or the format is unknown, then the file is refused before its signature is looked at', () => {
    expect(checkpointFileProblems({ ...file, root: H('0') })).toEqual(['root does not match the listed streams']);
    expect(checkpointFileProblems({ ...file, streams: [...file.streams].reverse() })[0]).toMatch(/sorted/);
    expect(checkpointFileProblems({ ...file, format: 'x' })).toEqual([`format must be "${CHECKPOINT_FORMAT}"`]);
    expect(checkpointFileProblems([])).toEqual(['not a JSON object']);
  });
});
