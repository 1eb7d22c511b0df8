import { creditCodeCheckChar } from '@shecun/organizations';
import { create } from 'xmlbuilder2';

/**
 * The structure and code lists of IATI Standard 2.03 (iati-activities-schema.xsd of
 * IATI/IATI-Schemas, version-2.03; the IATI code lists) for the elements the donations export
 * writes, as hand-written tables: the children of iati-activity and of transaction in the
 * schema's order with their bounds, and the allowed codes. checkIatiActivities reports every
 * departure from them, as sentences naming the activity and the element.
 */

type Bounds = readonly [name: string, min: number, max: number];

/** iati-activity children the export writes, in the schema's order (every required one among them). */
export const ACTIVITY_CHILDREN: readonly Bounds[] = [
  ['iati-identifier', 1, 1],
  ['reporting-org', 1, 1],
  ['title', 1, 1],
  ['description', 1, Infinity],
  ['participating-org', 1, Infinity],
  ['other-identifier', 0, Infinity],
  ['activity-status', 1, 1],
  ['activity-date', 1, Infinity],
  ['recipient-country', 0, Infinity],
  ['sector', 0, Infinity],
  ['default-flow-type', 0, 1],
  ['default-finance-type', 0, 1],
  ['transaction', 0, Infinity],
  ['related-activity', 0, Infinity],
];

/** transaction children the export writes, in the schema's order. */
export const TRANSACTION_CHILDREN: readonly Bounds[] = [
  ['transaction-type', 1, 1],
  ['transaction-date', 1, 1],
  ['value', 1, 1],
  ['description', 0, 1],
  ['provider-org', 0, 1],
  ['receiver-org', 0, 1],
];

/** The code lists (version 2.03) of the attributes the export writes. */
export const CODES = {
  TransactionType: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13'],
  ActivityStatus: ['1', '2', '3', '4', '5', '6'],
  ActivityDateType: ['1', '2', '3', '4'],
  DescriptionType: ['1', '2', '3', '4'],
  OrganisationRole: ['1', '2', '3', '4'],
  OrganisationType: ['10', '11', '15', '21', '22', '23', '24', '30', '40', '60', '70', '71', '72', '73', '80', '90'],
  OtherIdentifierType: ['A1', 'A2', 'A9', 'B1', 'B9'],
  RelatedActivityType: ['1', '2', '3', '4', '5'],
  Currency: ['CNY'],
  Country: ['CN'],
  FlowType: ['10', '20', '21', '22', '30', '35', '36', '37', '40', '50'],
  FinanceType: ['110', '111', '210', '211', '310', '311', '410', '421', '510', '610'],
  /** SectorVocabulary 1 (OECD DAC 5-digit) and the purpose codes of rural and social work it may carry. */
  SectorVocabulary: ['1'],
  Sector: ['43040', '11120', '11220', '12220', '15150', '16010', '16020', '31120', '31220'],
} as const;

/** An organisation identifier of the org-id.guide list CN-USCI: 18 characters of GB 32100 with a valid check character. */
export function isUsciRef(ref: string): boolean {
  const m = /^CN-USCI-([0-9A-HJ-NPQRTUWXY]{18})$/.exec(ref);
  return !!m && creditCodeCheckChar(m[1].slice(0, 17)) === m[1][17];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

interface El {
  name: string;
  attr(name: string): string | null;
  children: El[];
  text: string;
}

/** The DOM of xmlbuilder2 (@oozcitak/dom), as much of it as is read here. */
interface XmlNode {
  nodeType: number;
  nodeName: string;
  childNodes: ArrayLike<XmlNode>;
  textContent: string | null;
  hasAttribute(name: string): boolean;
  getAttribute(name: string): string | null;
}

function wrap(node: XmlNode): El {
  return {
    name: node.nodeName,
    attr: (name) => (node.hasAttribute(name) ? node.getAttribute(name) : null),
    children: Array.from(node.childNodes).filter((n) => n.nodeType === 1).map(wrap),
    text: node.textContent ?? '',
  };
}

export interface IatiTransaction {
  type: string;
  value: number;
  providerActivityId: string | null;
  receiverActivityId: string | null;
  providerRef: string | null;
  receiverRef: string | null;
}
export interface IatiActivity {
  id: string;
  reportingRef: string;
  status: string;
  children: string[];
  transactions: IatiTransaction[];
  related: { ref: string; type: string }[];
}

/** Parses an export (keeping the order of elements) and lists every departure from the tables above. */
export function checkIatiActivities(xml: string): { activities: IatiActivity[]; problems: string[] } {
  const root = wrap(create(xml).root().node as unknown as XmlNode);
  const problems: string[] = [];
  if (root.name !== 'iati-activities') problems.push(`the root is ${root.name}, not iati-activities`);
  if (root.attr('version') !== '2.03') problems.push(`iati-activities/@version is ${root.attr('version')}, not 2.03`);
  if (Number.isNaN(Date.parse(root.attr('generated-datetime') ?? ''))) problems.push('iati-activities/@generated-datetime is not a date-time');

  const inList = (where: string, list: readonly string[], value: string | null, required = true) => {
    if (value === null) {
      if (required) problems.push(`${where} is missing`);
    } else if (!list.includes(value)) problems.push(`${where} = ${JSON.stringify(value)} is not in the code list`);
  };
  const sequence = (where: string, element: El, table: readonly Bounds[]) => {
    let last = -1;
    for (const child of element.children) {
      const index = table.findIndex(([name]) => name === child.name);
      if (index < 0) problems.push(`${where}: ${child.name} is not an element of the table`);
      else if (index < last) problems.push(`${where}: ${child.name} comes after ${table[last][0]}, against the schema's order`);
      else last = index;
    }
    for (const [name, min, max] of table) {
      const count = element.children.filter((c) => c.name === name).length;
      if (count < min) problems.push(`${where}: required ${name} is missing`);
      if (count > max) problems.push(`${where}: ${name} appears ${count} times (at most ${max})`);
    }
  };
  const narrative = (where: string, element: El | undefined) => {
    const n = element?.children.filter((c) => c.name === 'narrative') ?? [];
    if (n.length === 0 || n.some((x) => x.text.trim() === '')) problems.push(`${where} has no narrative text`);
  };
  const organisation = (where: string, org: El) => {
    const ref = org.attr('ref');
    if (ref !== null && !isUsciRef(ref)) problems.push(`${where}/@ref ${ref} is not a CN-USCI organisation identifier`);
    inList(`${where}/@type`, CODES.OrganisationType, org.attr('type'), false);
    if (ref === null) narrative(where, org);
  };

  const activities: IatiActivity[] = [];
  for (const a of root.children) {
    if (a.name !== 'iati-activity') {
      problems.push(`${a.name} under iati-activities`);
      continue;
    }
    const id = a.children.find((c) => c.name === 'iati-identifier')?.text.trim() ?? '';
    const at = `activity ${id || '(no identifier)'}`;
    sequence(at, a, ACTIVITY_CHILDREN);
    inList(`${at}/@default-currency`, CODES.Currency, a.attr('default-currency'));
    if (Number.isNaN(Date.parse(a.attr('last-updated-datetime') ?? ''))) problems.push(`${at}/@last-updated-datetime is not a date-time`);
    const first = (name: string) => a.children.find((c) => c.name === name);
    const all = (name: string) => a.children.filter((c) => c.name === name);

    const reporting = first('reporting-org');
    const reportingRef = reporting?.attr('ref') ?? '';
    if (reporting) {
      if (!reportingRef) problems.push(`${at}/reporting-org/@ref is missing`);
      inList(`${at}/reporting-org/@type`, CODES.OrganisationType, reporting.attr('type'));
      narrative(`${at}/reporting-org`, reporting);
    }
    if (!id.startsWith(`${reportingRef}-`) || id.length <= reportingRef.length + 1) problems.push(`${at}: the identifier does not start with the reporting organisation's identifier ${reportingRef}-`);
    narrative(`${at}/title`, first('title'));
    for (const d of all('description')) {
      inList(`${at}/description/@type`, CODES.DescriptionType, d.attr('type'), false);
      narrative(`${at}/description`, d);
    }
    for (const p of all('participating-org')) {
      inList(`${at}/participating-org/@role`, CODES.OrganisationRole, p.attr('role'));
      organisation(`${at}/participating-org[@role=${p.attr('role')}]`, p);
    }
    for (const o of all('other-identifier')) {
      inList(`${at}/other-identifier/@type`, CODES.OtherIdentifierType, o.attr('type'));
      if (!o.attr('ref')) problems.push(`${at}/other-identifier/@ref is missing`);
    }
    const status = first('activity-status')?.attr('code') ?? null;
    inList(`${at}/activity-status/@code`, CODES.ActivityStatus, status);
    for (const d of all('activity-date')) {
      inList(`${at}/activity-date/@type`, CODES.ActivityDateType, d.attr('type'));
      if (!ISO_DATE.test(d.attr('iso-date') ?? '')) problems.push(`${at}/activity-date/@iso-date is not a date`);
    }
    for (const c of all('recipient-country')) inList(`${at}/recipient-country/@code`, CODES.Country, c.attr('code'));
    for (const s of all('sector')) {
      inList(`${at}/sector/@vocabulary`, CODES.SectorVocabulary, s.attr('vocabulary') ?? '1');
      inList(`${at}/sector/@code`, CODES.Sector, s.attr('code'));
    }
    inList(`${at}/default-flow-type/@code`, CODES.FlowType, first('default-flow-type')?.attr('code') ?? null, false);
    inList(`${at}/default-finance-type/@code`, CODES.FinanceType, first('default-finance-type')?.attr('code') ?? null, false);

    const transactions: IatiTransaction[] = [];
    all('transaction').forEach((t, i) => {
      const tat = `${at}/transaction[${i + 1}]`;
      sequence(tat, t, TRANSACTION_CHILDREN);
      const child = (name: string) => t.children.find((c) => c.name === name);
      const type = child('transaction-type')?.attr('code') ?? null;
      inList(`${tat}/transaction-type/@code`, CODES.TransactionType, type);
      if (!ISO_DATE.test(child('transaction-date')?.attr('iso-date') ?? '')) problems.push(`${tat}/transaction-date/@iso-date is not a date`);
      const value = child('value');
      if (!DECIMAL.test(value?.text.trim() ?? '')) problems.push(`${tat}/value is not a decimal`);
      if (!ISO_DATE.test(value?.attr('value-date') ?? '')) problems.push(`${tat}/value/@value-date is not a date`);
      inList(`${tat}/value/@currency`, CODES.Currency, value?.attr('currency') ?? null, false);
      if (child('description')) narrative(`${tat}/description`, child('description'));
      const provider = child('provider-org');
      const receiver = child('receiver-org');
      if (provider) organisation(`${tat}/provider-org`, provider);
      if (receiver) organisation(`${tat}/receiver-org`, receiver);
      transactions.push({
        type: type ?? '',
        value: Number(value?.text.trim()),
        providerActivityId: provider?.attr('provider-activity-id') ?? null,
        receiverActivityId: receiver?.attr('receiver-activity-id') ?? null,
        providerRef: provider?.attr('ref') ?? null,
        receiverRef: receiver?.attr('ref') ?? null,
      });
    });
    const related = all('related-activity').map((r) => ({ ref: r.attr('ref') ?? '', type: r.attr('type') ?? '' }));
    for (const r of related) {
      inList(`${at}/related-activity/@type`, CODES.RelatedActivityType, r.type);
      if (!r.ref) problems.push(`${at}/related-activity/@ref is missing`);
    }
    activities.push({ id, reportingRef, status: status ?? '', children: a.children.map((c) => c.name), transactions, related });
  }

  // The hops link both ways: a child's incoming funds name its parent, whose disbursement names the child.
  const byId = new Map(activities.map((a) => [a.id, a]));
  if (byId.size !== activities.length) problems.push('two activities share an identifier');
  for (const a of activities) {
    for (const t of a.transactions.filter((x) => x.type === '1' && x.providerActivityId)) {
      const parent = byId.get(t.providerActivityId!);
      if (!parent) problems.push(`activity ${a.id}: its provider activity ${t.providerActivityId} is not in the file`);
      else if (!parent.transactions.some((x) => x.type === '3' && x.receiverActivityId === a.id)) problems.push(`activity ${a.id}: its parent ${parent.id} has no disbursement to it`);
      if (!a.related.some((r) => r.type === '1' && r.ref === t.providerActivityId)) problems.push(`activity ${a.id}: no related-activity names its parent`);
    }
    for (const t of a.transactions.filter((x) => x.type === '3')) {
      if (!t.receiverActivityId) problems.push(`activity ${a.id}: a disbursement names no receiver activity`);
      const child = t.receiverActivityId ? byId.get(t.receiverActivityId) : undefined;
      if (child && !child.transactions.some((x) => x.type === '1' && x.providerActivityId === a.id)) problems.push(`activity ${a.id}: its child ${child.id} names another provider activity`);
      if (t.receiverActivityId && !a.related.some((r) => r.type === '2' && r.ref === t.receiverActivityId)) problems.push(`activity ${a.id}: no related-activity names its child ${t.receiverActivityId}`);
    }
  }
  return { activities, problems };
}
