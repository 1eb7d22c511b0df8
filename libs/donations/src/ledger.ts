import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { Actor } from '@shecun/core';
import { EventStore, RecordedEvent, START } from '@shecun/event-store';
import { isLedgerStream } from './donation.model';

/**
 * Tamper evidence for the donations ledger. Every donation event carries a seal: its sequence in
 * its stream, the previous event's hash (or the stream's genesis hash) and a SHA-256 hash over the
 * event's stream, sequence, type, data, actor and time in canonical JSON (sorted keys). Editing any
 * sealed field breaks that event's hash; deleting or re-hashing an event breaks the next link; a
 * transfer's first event also carries the hash of the allocation it came from in its parent flow.
 */
export interface Seal {
  seq: number;
  prevHash: string;
  hash: string;
}

/** What is hashed besides the data: who and when, as the event store's metadata records them. */
export interface SealedBy {
  actorId: string;
  actorRole: string;
  actorOrganizationId?: string;
  occurredAt: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export const genesisHash = (stream: string) => sha256(`shecun-donations-ledger:${stream}`);

export function contentHash(stream: string, seq: number, type: string, data: Record<string, unknown>, by: SealedBy, prevHash: string): string {
  const { ledger: _ledger, ...content } = data;
  return sha256(
    stringify({
      stream,
      seq,
      type,
      data: content,
      actorId: by.actorId,
      actorRole: by.actorRole,
      actorOrganizationId: by.actorOrganizationId ?? null,
      occurredAt: by.occurredAt,
      prevHash,
    }) as string,
  );
}

export const sealedBy = (actor: Actor, now: Date): SealedBy => ({
  actorId: actor.id,
  actorRole: actor.role,
  ...(actor.organizationId ? { actorOrganizationId: actor.organizationId } : {}),
  occurredAt: now.toISOString(),
});

/** Seals freshly decided events in order, continuing the stream's chain. */
export function sealEvents<E extends { type: string; data: object }>(
  stream: string,
  previous: { version: number; lastHash: string | null },
  events: E[],
  by: SealedBy,
): E[] {
  let prevHash = previous.lastHash ?? genesisHash(stream);
  return events.map((event, index) => {
    const seq = previous.version + index;
    const hash = contentHash(stream, seq, event.type, event.data as Record<string, unknown>, by, prevHash);
    const sealed = { ...event, data: { ...event.data, ledger: { seq, prevHash, hash } } };
    prevHash = hash;
    return sealed;
  });
}

/** A stored event as the verifier reads it. */
export interface LedgerEntry {
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: { actorId: string; actorRole: string; actorOrganizationId?: string; occurredAt: string };
}

/** A stored event as the ledger hashed it: its data as written, whatever version it is read in now. */
export function ledgerEntryOf(e: RecordedEvent): LedgerEntry {
  return { position: e.position, stream: e.streamName, revision: e.revision, id: e.id, type: e.type, data: (e.stored?.data ?? e.data) as Record<string, unknown>, metadata: e.metadata };
}

export type LinkProblem = 'missing-seal' | 'sequence-gap' | 'previous-hash-mismatch' | 'content-hash-mismatch' | 'parent-link-mismatch';

export interface BrokenLink {
  position: number;
  stream: string;
  revision: number;
  eventId: string;
  type: string;
  problem: LinkProblem;
  expected: string | number | null;
  found: string | number | null;
}

export interface VerificationReport {
  ok: boolean;
  eventsChecked: number;
  streamsChecked: number;
  /** A digest of every stream's last hash: note it down to detect later truncation or rewriting. */
  head: string;
  firstBrokenLink: BrokenLink | null;
  brokenLinks: number;
}

/**
 * Recomputes every chain from the stored events (given in log order) and reports the first broken
 * link in log order. `parentHashOf(entry)` returns the parent allocation hash a transfer names, and
 * the chain check looks it up among the events already seen.
 */
export class LedgerVerifier {
  private readonly heads = new Map<string, { seq: number; hash: string }>();
  private readonly hashes = new Map<string, string>(); // "<stream>#<allocationId>" → hash of its DonationAllocated
  private checked = 0;
  private broken: BrokenLink | null = null;
  private brokenCount = 0;

  /** Checks one event (in log order); returns its broken link, if any (the first problem found in it). */
  add(entry: LedgerEntry): BrokenLink | null {
    this.checked += 1;
    let own: BrokenLink | null = null;
    const fail = (problem: LinkProblem, expected: string | number | null, found: string | number | null) => {
      this.brokenCount += 1;
      const link = { position: entry.position, stream: entry.stream, revision: entry.revision, eventId: entry.id, type: entry.type, problem, expected, found };
      own ??= link;
      this.broken ??= link;
    };
    const head = this.heads.get(entry.stream);
    const expectedSeq = head ? head.seq + 1 : 0;
    const expectedPrev = head ? head.hash : genesisHash(entry.stream);
    const seal = entry.data.ledger as Partial<Seal> | undefined;
    if (!seal || typeof seal.hash !== 'string' || typeof seal.prevHash !== 'string' || typeof seal.seq !== 'number') {
      fail('missing-seal', expectedSeq, null);
      this.heads.set(entry.stream, { seq: expectedSeq, hash: expectedPrev });
      return own;
    }
    if (seal.seq !== expectedSeq || entry.revision !== expectedSeq) fail('sequence-gap', expectedSeq, entry.revision);
    else if (seal.prevHash !== expectedPrev) fail('previous-hash-mismatch', expectedPrev, seal.prevHash);
    else {
      const recomputed = contentHash(entry.stream, seal.seq, entry.type, entry.data, entry.metadata, seal.prevHash);
      if (recomputed !== seal.hash) fail('content-hash-mismatch', recomputed, seal.hash);
    }
    const parent = entry.data.parent as { streamName?: string; allocationId?: string; allocationHash?: string } | undefined;
    if (entry.type === 'TransferReceived' && parent?.streamName && parent.allocationId) {
      const known = this.hashes.get(`${parent.streamName}#${parent.allocationId}`) ?? null;
      if (known !== parent.allocationHash) fail('parent-link-mismatch', known, parent.allocationHash ?? null);
    }
    if (entry.type === 'DonationAllocated') this.hashes.set(`${entry.stream}#${String(entry.data.allocationId)}`, seal.hash);
    this.heads.set(entry.stream, { seq: seal.seq, hash: seal.hash });
    return own;
  }

  /** Every stream's last sequence number and hash as stored, sorted by stream name. */
  streamHeads(): [stream: string, seq: number, hash: string][] {
    return [...this.heads.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([stream, h]) => [stream, h.seq, h.hash]);
  }

  report(): VerificationReport {
    const heads = this.streamHeads().map(([stream, seq, hash]) => `${stream}:${seq}:${hash}`);
    return {
      ok: this.broken === null,
      eventsChecked: this.checked,
      streamsChecked: this.heads.size,
      head: sha256(heads.join('\n')),
      firstBrokenLink: this.broken,
      brokenLinks: this.brokenCount,
    };
  }
}

/**
 * Recomputes the hash chains of every donation and fund stream of an event store, reading its
 * whole log in order (the embedded app's `cli verify-ledger`, the auditor's route, and the
 * donations service's `verify-ledger.js` on the distributed store).
 */
export async function verifyLedgerOf(store: Pick<EventStore, 'headPosition' | 'readAll'>, onProgress?: (checked: number, head: number) => void): Promise<VerificationReport> {
  const verifier = new LedgerVerifier();
  const head = await store.headPosition();
  for (let after = START; ; ) {
    const batch = await store.readAll(after, 2000);
    if (batch.length === 0) break;
    for (const e of batch) {
      if (!isLedgerStream(e.streamName)) continue;
      verifier.add(ledgerEntryOf(e));
    }
    after = batch[batch.length - 1].position;
    onProgress?.(after, head);
  }
  return verifier.report();
}
