/** The public disclosure (信息公开) of donations: disclosed flows only, no personal data. */
import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import { isTransfer } from './donation.model';
import { DonationCorrectionView, DonationFlowView, publishedFigures } from './donation.projection';
import { FlowState, netAllocation, valueOf } from './flow.decider';
import { publicEvidenceOf } from './donations.presentation';
import { DonationOrganizationView } from './organization-identifiers';

/** The corrections recorded against an organization's or a need's flows, in the order they were made. */
async function corrections(dataSource: DataSource, where: { organizationId?: string; needId?: string }) {
  const qb = dataSource.getRepository(DonationCorrectionView).createQueryBuilder('c');
  if (where.organizationId) qb.where('c.organizationId = :o', { o: where.organizationId });
  if (where.needId) qb.where('c.needIds LIKE :n', { n: `%,${where.needId},%` });
  const rows = await qb.orderBy('c.position', 'ASC').getMany();
  return rows.map((r) => ({ flowId: r.flowId, kind: r.kind, reason: r.reason, at: r.at, before: JSON.parse(r.before), after: JSON.parse(r.after) }));
}

/** What an organization received in disclosed flows, where it came from and where it went. */
export async function organizationDisclosure(dataSource: DataSource, organizationId: string) {
  const rows = await dataSource.getRepository(DonationFlowView).findBy({ recipientOrganizationId: organizationId, disclosed: true });
  const states = rows.map((r) => JSON.parse(r.state) as FlowState);
  const totals = { receivedFen: 0, allocatedFen: 0, usedFen: 0, confirmedFen: 0 };
  const donors = new Map<string, { donor: string; kind: string; flows: number; receivedFen: number }>();
  const projects = new Map<string, { kind: string; id: string; title: string; villageCode: string; allocatedFen: number; usedFen: number; confirmedFen: number }>();
  // The counting rules (counting.ts): what came from donors is new money; what came from or went to
  // other organizations and funds is a transfer, listed with its receiver's receipt.
  const counting = { fromDonorsFen: 0, transferredInFen: 0, transferredOutFen: 0, toVillagesFen: 0, unallocatedFen: 0 };
  const transfers: { flowId: string; to: string; kind: 'organization' | 'fund'; allocatedAt: string; allocatedFen: number; childFlowId: string | null; receivedFen: number | null }[] = [];
  for (const s of states) {
    const f = publishedFigures(s);
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += f[k];
    counting[s.donor.kind === 'transfer' ? 'transferredInFen' : 'fromDonorsFen'] += f.receivedFen;
    let passedOn = 0;
    for (const a of s.allocations) {
      const fen = valueOf(s, netAllocation(a));
      passedOn += fen;
      if (!isTransfer(a.target)) counting.toVillagesFen += fen;
      else {
        counting.transferredOutFen += fen;
        transfers.push({ flowId: s.id, to: a.target.party.name, kind: a.target.kind, allocatedAt: a.allocatedAt, allocatedFen: fen, childFlowId: a.childFlowId, receivedFen: null });
      }
    }
    counting.unallocatedFen += f.receivedFen - passedOn;
    // Individuals are only counted in aggregate; organizations and member units are public bodies.
    const d = s.donor;
    const name = d.kind === 'individual' ? '个人捐赠 (individual donors)' : d.kind === 'transfer' ? d.from.name : d.name;
    const donor = donors.get(`${d.kind}:${name}`) ?? { donor: name, kind: d.kind, flows: 0, receivedFen: 0 };
    donor.flows += 1;
    donor.receivedFen += f.receivedFen;
    donors.set(`${d.kind}:${name}`, donor);
    for (const a of s.allocations) {
      if (a.target.kind !== 'need' && a.target.kind !== 'village') continue;
      const key = a.target.kind === 'need' ? `need:${a.target.needId}` : `village:${a.target.villageCode}:${a.target.project}`;
      const p =
        projects.get(key) ??
        (a.target.kind === 'need'
          ? { kind: 'need', id: a.target.needId, title: a.target.title, villageCode: a.target.villageCode, allocatedFen: 0, usedFen: 0, confirmedFen: 0 }
          : { kind: 'village', id: a.target.villageCode, title: a.target.project, villageCode: a.target.villageCode, allocatedFen: 0, usedFen: 0, confirmedFen: 0 });
      p.allocatedFen += valueOf(s, netAllocation(a));
      for (const u of s.uses.filter((u) => u.allocationId === a.id)) {
        p.usedFen += u.valueFen;
        if (u.confirmedAt) p.confirmedFen += u.valueFen;
      }
      projects.set(key, p);
    }
  }
  const children = transfers.map((x) => x.childFlowId).filter((id): id is string => !!id);
  const received = new Map<string, number>();
  for (let i = 0; i < children.length; i += 500) {
    const rows = await dataSource.getRepository(DonationFlowView).createQueryBuilder('f').select(['f.id', 'f.receivedAt', 'f.receivedFen']).whereInIds(children.slice(i, i + 500)).getMany();
    for (const r of rows) if (r.receivedAt) received.set(r.id, r.receivedFen);
  }
  for (const x of transfers) x.receivedFen = x.childFlowId ? (received.get(x.childFlowId) ?? null) : null;
  return {
    organizationId,
    recipients: [...new Set(states.map((s) => s.recipient.name))],
    flows: states.length,
    totals,
    counting,
    transfers,
    donors: [...donors.values()].sort((a, b) => b.receivedFen - a.receivedFen),
    projects: [...projects.values()],
    evidence: states.flatMap(publicEvidenceOf),
    corrections: await corrections(dataSource, { organizationId }),
  };
}

/** What disclosed flows allocated to a need, by receiving organization. */
export async function needDisclosure(dataSource: DataSource, needId: string) {
  const rows = await dataSource.getRepository(DonationFlowView).createQueryBuilder('f').where('f.disclosed = :d', { d: true }).andWhere('f.needIds LIKE :n', { n: `%,${needId},%` }).getMany();
  const totals = { allocatedFen: 0, usedFen: 0, confirmedFen: 0 };
  const by: { organization: string; allocatedFen: number; usedFen: number; confirmedFen: number }[] = [];
  const evidence: ReturnType<typeof publicEvidenceOf> = [];
  let title = '';
  let villageCode = '';
  for (const r of rows) {
    const s = JSON.parse(r.state) as FlowState;
    const entry = { organization: s.recipient.name, allocatedFen: 0, usedFen: 0, confirmedFen: 0 };
    evidence.push(...publicEvidenceOf(s).filter((e) => e.needId === needId));
    for (const a of s.allocations) {
      if (a.target.kind !== 'need' || a.target.needId !== needId) continue;
      title = a.target.title;
      villageCode = a.target.villageCode;
      entry.allocatedFen += valueOf(s, netAllocation(a));
      for (const u of s.uses.filter((u) => u.allocationId === a.id)) {
        entry.usedFen += u.valueFen;
        if (u.confirmedAt) entry.confirmedFen += u.valueFen;
      }
    }
    totals.allocatedFen += entry.allocatedFen;
    totals.usedFen += entry.usedFen;
    totals.confirmedFen += entry.confirmedFen;
    by.push(entry);
  }
  return { needId, title, villageCode, flows: rows.length, totals, byOrganization: by, evidence, corrections: await corrections(dataSource, { needId }) };
}

/** Disclosed flows, in one city when `city` (its 4-digit code) is given: received there, or serving its villages. */
function disclosedIn(qb: SelectQueryBuilder<DonationFlowView>, city: string | undefined) {
  qb.where('f.disclosed = :disclosed', { disclosed: true });
  if (city) qb.andWhere(new Brackets((w) => w.where('f.recipientDivision LIKE :division', { division: `${city}%` }).orWhere('f.villageCodes LIKE :village', { village: `%,${city}%` })));
  return qb;
}

const villagesOf = (list: string) => list.split(',').filter(Boolean);

/**
 * The public landing of the disclosure (信息公开): the organizations with disclosed donations, the
 * most recently updated first, and the latest disclosed donations, in one city or the province.
 * Figures are the published ones (corrections included). What an organization received is split
 * as its own page counts it: from donors (new money) and transferred in from another organization
 * or fund (the same money as that one's, so never added up with it); a transfer names the
 * organization it came from, a public body; donors are not named here.
 */
export async function recentDisclosures(dataSource: DataSource, filter: { city?: string; limit: number }) {
  const flows = dataSource.getRepository(DonationFlowView);
  const grouped = await disclosedIn(flows.createQueryBuilder('f'), filter.city)
    .select('f.recipientOrganizationId', 'organizationId')
    .addSelect('COUNT(*)', 'flows')
    .addSelect('SUM(f.receivedFen)', 'receivedFen')
    // Counted as the organization's page counts (counting.ts): from donors is new money, a transfer is not.
    .addSelect(`SUM(CASE WHEN f.donorKind = 'transfer' THEN 0 ELSE f.receivedFen END)`, 'fromDonorsFen')
    .addSelect(`SUM(CASE WHEN f.donorKind = 'transfer' THEN f.receivedFen ELSE 0 END)`, 'transferredInFen')
    .addSelect('SUM(f.usedFen)', 'usedFen')
    .addSelect('SUM(f.confirmedFen)', 'confirmedFen')
    .addSelect('MAX(f.updatedAt)', 'updatedAt')
    .groupBy('f.recipientOrganizationId')
    .orderBy('MAX(f.updatedAt)', 'DESC')
    .addOrderBy('f.recipientOrganizationId', 'ASC')
    .limit(filter.limit)
    .getRawMany<{ organizationId: string; flows: string | number; receivedFen: string | number; fromDonorsFen: string | number; transferredInFen: string | number; usedFen: string | number; confirmedFen: string | number; updatedAt: string }>();
  const latest = await disclosedIn(flows.createQueryBuilder('f'), filter.city)
    .select(['f.id', 'f.donorKind', 'f.donorOrganizationId', 'f.recipientOrganizationId', 'f.villageCodes', 'f.receivedAt', 'f.receivedFen', 'f.usedFen', 'f.confirmedFen', 'f.updatedAt'])
    .orderBy('f.updatedAt', 'DESC')
    .addOrderBy('f.id', 'ASC')
    .limit(filter.limit)
    .getMany();
  const ids = [...new Set([...grouped.map((g) => g.organizationId), ...latest.flatMap((f) => [f.recipientOrganizationId, ...(f.donorKind === 'transfer' && f.donorOrganizationId ? [f.donorOrganizationId] : [])])])];
  const names = new Map<string, string>();
  if (ids.length) for (const o of await dataSource.getRepository(DonationOrganizationView).createQueryBuilder('o').select(['o.organizationId', 'o.name']).where('o.organizationId IN (:...ids)', { ids }).getMany()) names.set(o.organizationId, o.name);
  const nameOf = (id: string) => names.get(id) ?? id;
  return {
    city: filter.city ?? null,
    organizations: grouped.map((g) => ({
      organizationId: g.organizationId,
      name: nameOf(g.organizationId),
      flows: Number(g.flows),
      receivedFen: Number(g.receivedFen),
      fromDonorsFen: Number(g.fromDonorsFen),
      transferredInFen: Number(g.transferredInFen),
      usedFen: Number(g.usedFen),
      confirmedFen: Number(g.confirmedFen),
      updatedAt: g.updatedAt,
    })),
    donations: latest.map((f) => ({
      flowId: f.id,
      organizationId: f.recipientOrganizationId,
      organizationName: nameOf(f.recipientOrganizationId),
      // Passed on by another organization or its fund: the same money as that one's, not new money.
      transferFrom: f.donorKind === 'transfer' ? (f.donorOrganizationId ? { organizationId: f.donorOrganizationId, name: nameOf(f.donorOrganizationId) } : { organizationId: null, name: null }) : null,
      villageCodes: villagesOf(f.villageCodes),
      receivedAt: f.receivedAt,
      receivedFen: f.receivedFen,
      usedFen: f.usedFen,
      confirmedFen: f.confirmedFen,
      updatedAt: f.updatedAt,
    })),
  };
}
