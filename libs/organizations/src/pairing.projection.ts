import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import { Projection } from '@shecun/projections';
import { Column, Entity, EntityManager, Index, PrimaryColumn } from 'typeorm';
import { currentTerm, initialPairingState, isPairingEvent, KeyAreaDesignated, PAIRING_EVENT_TYPES, pairingDecider, PairingState } from './pairing.decider';

@Entity('pairings_view')
export class PairingView {
  @PrimaryColumn({ type: 'varchar', length: 80 }) id: string;
  @Index() @Column({ type: 'varchar', length: 64 }) organizationId: string;
  @Column({ type: 'varchar', length: 200 }) organizationName: string;
  @Index() @Column({ type: 'varchar', length: 12 }) targetCode: string;
  @Column({ type: 'varchar', length: 8 }) targetLevel: string;
  @Index() @Column({ type: 'varchar', length: 4 }) cityCode: string;
  @Index() @Column({ type: 'varchar', length: 6 }) countyCode: string;
  @Column({ type: 'integer' }) term: number;
  @Index() @Column({ type: 'varchar', length: 12 }) status: string;
  @Column({ type: 'varchar', length: 10 }) startDate: string;
  @Index() @Column({ type: 'varchar', length: 10 }) endDate: string;
  @Column({ type: 'varchar', length: 40 }) updatedAt: string;
  @Column({ type: 'integer' }) revision: number;
  @Column({ type: 'text' }) state: string;
}

/** Towns and villages with their key-area flag and number of active pairings (for coverage). */
@Entity('pairing_targets_view')
export class PairingTargetView {
  @PrimaryColumn({ type: 'varchar', length: 12 }) code: string;
  @Column({ type: 'varchar', length: 8 }) level: string;
  @Index() @Column({ type: 'varchar', length: 4 }) cityCode: string;
  @Index() @Column({ type: 'varchar', length: 6 }) countyCode: string;
  @Index() @Column({ type: 'boolean' }) isKey: boolean;
  @Column({ type: 'integer' }) activePairings: number;
}

export const PAIRING_VIEW_ENTITIES = [PairingView, PairingTargetView];

@Injectable()
export class PairingsProjection implements Projection {
  readonly name = 'pairings';
  readonly eventTypes = [...PAIRING_EVENT_TYPES, 'KeyAreaDesignated'];
  readonly entities = PAIRING_VIEW_ENTITIES;

  /**
   * Makes sure the target's row exists, without touching one that does. Events of two pairings of
   * one village live on two streams, which the distributed projector may apply at the same time
   * (two Kafka partitions, two transactions): so the row is never read and written back whole,
   * only changed in place (`isKey` set, `activePairings` moved by one), and neither update can
   * undo the other's.
   */
  private async ensureTarget(manager: EntityManager, code: string): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(PairingTargetView)
      .values({ code, level: code.length === 9 ? 'town' : 'village', cityCode: code.slice(0, 4), countyCode: code.slice(0, 6), isKey: false, activePairings: 0 })
      .orIgnore()
      .execute();
  }

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (event.type === 'KeyAreaDesignated') {
      const { code } = (event as unknown as KeyAreaDesignated).data;
      await this.ensureTarget(manager, code);
      await manager.update(PairingTargetView, { code, isKey: false }, { isKey: true });
      return;
    }
    if (!isPairingEvent(event)) return;
    const id = event.data.pairingId;
    const row = await manager.findOneBy(PairingView, { id });
    if (row && row.revision >= event.revision) return; // already applied
    const before: PairingState = row ? JSON.parse(row.state) : initialPairingState;
    const state = pairingDecider.evolve(before, event);
    const wasActive = currentTerm(before)?.status === 'active';
    const term = currentTerm(state)!;
    const isActive = term.status === 'active';
    if (wasActive !== isActive) {
      await this.ensureTarget(manager, state.targetCode);
      await manager.increment(PairingTargetView, { code: state.targetCode }, 'activePairings', isActive ? 1 : -1);
    }
    await manager.save(PairingView, {
      id,
      organizationId: state.organizationId,
      organizationName: state.organizationName,
      targetCode: state.targetCode,
      targetLevel: state.targetLevel,
      cityCode: state.targetCode.slice(0, 4),
      countyCode: state.targetCode.slice(0, 6),
      term: term.term,
      status: term.status,
      startDate: term.startDate,
      endDate: term.endDate,
      updatedAt: event.metadata.occurredAt,
      revision: event.revision,
      state: JSON.stringify(state),
    });
  }
}
