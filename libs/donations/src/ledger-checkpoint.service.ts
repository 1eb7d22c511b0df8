import { Inject, Injectable, Optional, ServiceUnavailableException } from '@nestjs/common';
import { Actor, CommandContext, conflict, DomainError, eventToAppend, forbidden, invalid, notFound, PeriodicSweeper, positiveNumberEnv, SYSTEM_ACTOR } from '@shecun/core';
import { EVENT_STORE, EventStore, RecordedEvent, START, WrongExpectedRevisionError } from '@shecun/event-store';
import { IDENTITY_OPTIONS, IdentityOptions, keyId } from '@shecun/identity';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { isLedgerStream } from './donation.model';
import { LedgerEntry, ledgerEntryOf, LedgerVerifier } from './ledger';
import {
  CHECKPOINT_FORMAT,
  CheckpointComparer,
  CheckpointComparison,
  CheckpointFile,
  checkpointFileProblems,
  CheckpointKey,
  checkpointSignatureValid,
  LEDGER_CHECKPOINT_STREAM,
  LEDGER_CHECKPOINTED,
  LedgerCheckpoint,
  merkleRoot,
  signCheckpoint,
} from './ledger-checkpoint';

const CHECKPOINT_EVENT_NAMESPACE = '9d3b7c2a-51e4-5f60-8a71-2b3c4d5e6f70';
/** Who may take a checkpoint on demand; who may read and check against them. */
const TAKERS = ['auditor', 'admin', 'system'];
const READERS = ['auditor', 'bureau', 'admin', 'system'];

type CheckpointData = Omit<LedgerCheckpoint, 'id' | 'by'>;

export const requireCheckpointRole = (actor: Actor, take = false) => {
  if (!(take ? TAKERS : READERS).includes(actor.role)) {
    throw forbidden(take ? `角色 ${actor.role} 不能封存账本检查点 (only auditors and administrators take ledger checkpoints)` : `角色 ${actor.role} 不能查看审计视图 (role ${actor.role} may not read the audit views)`);
  }
};

const toCheckpoint = (e: RecordedEvent): LedgerCheckpoint => {
  const data = e.data as CheckpointData;
  return {
    id: e.id,
    at: data.at,
    root: data.root,
    streams: data.streams,
    events: data.events,
    throughPosition: data.throughPosition,
    ledgerOk: data.ledgerOk,
    brokenLinks: data.brokenLinks,
    reason: data.reason,
    previous: data.previous,
    by: { actorId: e.metadata.actorId, actorRole: e.metadata.actorRole, ...(e.metadata.actorOrganizationId ? { actorOrganizationId: e.metadata.actorOrganizationId } : {}) },
  };
};

/** A checkpoint without its heads, as lists show it. */
export const checkpointSummary = ({ streams, ...rest }: LedgerCheckpoint) => ({ ...rest, streams: streams.length });

/**
 * Ledger checkpoints in the `ledger-checkpoints` stream (no read model: they are read from it):
 * taken on demand or by the periodic sweeper, exported as signed files, and the ledger checked
 * against such a file.
 */
@Injectable()
export class LedgerCheckpoints {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(IDENTITY_OPTIONS) private readonly identity?: IdentityOptions,
  ) {}

  /** Visits every donation and fund event in log order; returns the count and the last position read. */
  async scanLedger(visit: (entry: LedgerEntry) => void, onProgress?: (position: number, head: number) => void): Promise<{ events: number; throughPosition: number }> {
    const head = await this.store.headPosition();
    let events = 0;
    let after = START;
    for (;;) {
      const batch = await this.store.readAll(after, 2000);
      if (batch.length === 0) break;
      for (const e of batch) {
        if (!isLedgerStream(e.streamName)) continue;
        events += 1;
        visit(ledgerEntryOf(e));
      }
      after = batch[batch.length - 1].position;
      onProgress?.(after, head);
    }
    return { events, throughPosition: after };
  }

  async all(): Promise<LedgerCheckpoint[]> {
    const events = await this.store.readStream(LEDGER_CHECKPOINT_STREAM);
    return events.filter((e) => e.type === LEDGER_CHECKPOINTED).map(toCheckpoint);
  }

  async latest(): Promise<LedgerCheckpoint | null> {
    const all = await this.all();
    return all.length ? all[all.length - 1] : null;
  }

  async get(id: string): Promise<LedgerCheckpoint> {
    const found = (await this.all()).find((c) => c.id === id);
    if (!found) throw notFound(`账本检查点 ${id} 不存在 (ledger checkpoint ${id} not found)`);
    return found;
  }

  /**
   * Seals the head of every donation and fund chain into a Merkle root and appends it as
   * LedgerCheckpointed, by the context's actor. The event id derives from the command id, so a
   * retried command appends nothing and answers the checkpoint first taken.
   */
  async take(context: CommandContext, reason: string, at = new Date(), onProgress?: (position: number, head: number) => void): Promise<LedgerCheckpoint> {
    requireCheckpointRole(context.actor, true);
    const id = uuidv5(`${context.commandId}/${LEDGER_CHECKPOINTED}`, CHECKPOINT_EVENT_NAMESPACE);
    const stream = await this.store.readStream(LEDGER_CHECKPOINT_STREAM);
    const existing = stream.filter((e) => e.type === LEDGER_CHECKPOINTED).map(toCheckpoint);
    const earlier = existing.find((c) => c.id === id);
    if (earlier) return earlier;
    // Appended only onto the stream as read: of two instances sealing at once, one wins.
    const expected = stream.length ? stream[stream.length - 1].revision : 'no-stream';
    const verifier = new LedgerVerifier();
    const scanned = await this.scanLedger((entry) => verifier.add(entry), onProgress);
    const streams = verifier.streamHeads();
    const report = verifier.report();
    const last = existing.length ? existing[existing.length - 1] : null;
    const data: CheckpointData = {
      at: at.toISOString(),
      root: merkleRoot(streams),
      streams,
      events: scanned.events,
      throughPosition: scanned.throughPosition,
      ledgerOk: report.ok,
      brokenLinks: report.brokenLinks,
      reason,
      previous: last ? { id: last.id, root: last.root } : null,
    };
    const event = eventToAppend({ type: LEDGER_CHECKPOINTED, data }, { id, actor: context.actor, correlationId: context.correlationId, causationId: context.commandId, occurredAt: data.at });
    await this.store.append(LEDGER_CHECKPOINT_STREAM, [event], expected).catch((error: unknown) => {
      if (error instanceof WrongExpectedRevisionError) throw conflict('另一个账本检查点刚刚生成，请查看后再试 (another ledger checkpoint was just taken: look at it, or retry)');
      throw error;
    });
    return this.get(id);
  }

  /** The checkpoint as a file signed with the platform's token signing key (RS256 over the canonical JSON). */
  async exportFile(id: string): Promise<CheckpointFile> {
    const checkpoint = await this.get(id);
    const key = this.identity?.signingKey;
    if (!key) throw new ServiceUnavailableException('此服务没有签名密钥 (this service holds no signing key: JWT_PRIVATE_KEY_FILE)');
    return signCheckpoint({ format: CHECKPOINT_FORMAT, issuer: this.identity!.issuer, ...checkpoint }, key, keyId(key));
  }

  /** The platform's own public keys (those of /api/auth/jwks.json). */
  platformKeys(): CheckpointKey[] {
    return (this.identity?.verificationKeys ?? []).map((key) => ({ kid: keyId(key), key }));
  }

  /**
   * Checks the ledger against a checkpoint file: refused (invalid, 422) unless it is well formed,
   * its root matches its heads and one of `keys` (default: the platform's) signed it.
   */
  async verifyAgainst(file: unknown, keys: CheckpointKey[] = this.platformKeys(), onProgress?: (position: number, head: number) => void): Promise<CheckpointComparison> {
    const problems = checkpointFileProblems(file);
    if (problems.length) throw invalid(`检查点文件无效 (not a valid checkpoint file): ${problems.join('; ')}`, { problems });
    const checkpoint = file as CheckpointFile;
    if (!checkpointSignatureValid(checkpoint, keys)) {
      throw invalid(`检查点文件签名不符，拒绝核对 (the checkpoint file's signature does not verify with the platform's keys: refused)`, { kid: checkpoint.signature.kid });
    }
    const comparer = new CheckpointComparer(checkpoint);
    await this.scanLedger((entry) => comparer.add(entry), onProgress);
    return comparer.report();
  }
}

const HOUR = 3_600_000;
/** LEDGER_CHECKPOINT_HOURS (default 24): how often the platform seals the ledger. */
export const ledgerCheckpointIntervalMs = (env: NodeJS.ProcessEnv = process.env) => positiveNumberEnv('LEDGER_CHECKPOINT_HOURS', env.LEDGER_CHECKPOINT_HOURS, 24) * HOUR;

/**
 * Takes a ledger checkpoint as the platform (`system`) once LEDGER_CHECKPOINT_HOURS have passed
 * since the last one (or, with none yet, since this process started), looking at most hourly;
 * LEDGER_CHECKPOINT_SWEEP=false turns it off. Runs in the embedded process and in each donations
 * service instance: a checkpoint is appended only onto the stream as its taker read it, so
 * instances sealing at once append one checkpoint.
 */
@Injectable()
export class LedgerCheckpointSweeper extends PeriodicSweeper {
  private readonly startedAt = Date.now();
  private readonly everyMs = ledgerCheckpointIntervalMs();

  constructor(private readonly checkpoints: LedgerCheckpoints) {
    super('LedgerCheckpoint', 'LEDGER_CHECKPOINT_SWEEP', Math.min(ledgerCheckpointIntervalMs(), HOUR));
  }

  /** Takes a checkpoint when one is due; returns it, or null. */
  async sweep(now = new Date()): Promise<LedgerCheckpoint | null> {
    const last = await this.checkpoints.latest();
    const since = last ? Date.parse(last.at) : this.startedAt;
    if (now.getTime() - since < this.everyMs) return null;
    const correlationId = randomUUID();
    let checkpoint: LedgerCheckpoint;
    try {
      checkpoint = await this.checkpoints.take({ actor: SYSTEM_ACTOR, commandId: randomUUID(), correlationId }, `periodic (every ${this.everyMs / HOUR} h)`, now);
    } catch (error) {
      // Another instance sealed the ledger at the same moment: its checkpoint stands for both.
      if (error instanceof DomainError && error.kind === 'conflict') return null;
      throw error;
    }
    this.logger.log(`ledger checkpoint ${checkpoint.id}: ${checkpoint.streams.length} streams, root ${checkpoint.root}`);
    return checkpoint;
  }
}
