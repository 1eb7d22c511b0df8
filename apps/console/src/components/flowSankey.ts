import type { EChartsCoreOption } from 'echarts/core';
import { donorName, Flow, Trace, TraceHop } from '../donations';
import { formatFen } from '../hooks';

type Pair = readonly [string, string];
type PickText = (pair: Pair) => string;

/** Estimated value in fen of `amount` units of a flow (the fen themselves for money), as the API reckons it. */
export function valueOf(flow: Pick<Flow, 'resource' | 'pledged'>, amount: number): number {
  if (flow.resource.kind === 'money') return amount;
  return flow.pledged > 0 ? Math.round((flow.resource.estimatedValueFen * amount) / flow.pledged) : 0;
}

export type NodeKind = 'donor' | 'fund' | 'organization' | 'need' | 'village' | 'confirmed' | 'used' | 'unused' | 'balance' | 'refunded' | 'pending';

export const NODE_COLORS: Record<NodeKind, string> = {
  donor: '#5470c6',
  fund: '#8e44ad',
  organization: '#b71c1c',
  need: '#1d4f91',
  village: '#1d4f91',
  confirmed: '#389e0d',
  used: '#d4a106',
  unused: '#fa8c16',
  balance: '#8c8c8c',
  refunded: '#bfbfbf',
  pending: '#d46b08',
};

export const OUTCOME_LABELS: Record<'confirmed' | 'used' | 'unused' | 'balance' | 'refunded', Pair> = {
  confirmed: ['已使用 · 村已确认', 'Used · confirmed'],
  used: ['已使用 · 待村确认', 'Used · awaiting the village'],
  unused: ['已安排 · 未使用', 'Allocated · not used'],
  balance: ['未安排余额', 'Not yet allocated'],
  refunded: ['已退款', 'Refunded'],
};

export interface SankeyNode {
  name: string;
  label: string;
  kind: NodeKind;
  /** The flow to open when the node is clicked (a holder's hop). */
  flowId?: string;
}

export interface SankeyLink {
  source: string;
  target: string;
  value: number;
  note?: string;
}

/**
 * The trace as a Sankey diagram: donor → (fund →) organization → need or village project → where
 * the money is now (used and confirmed, used awaiting the village, allocated but unused, not yet
 * allocated, refunded). Every holder is one node per hop, so money passed back and forth never
 * makes a cycle. Values are in fen of value (goods at their estimated value).
 */
export function traceSankey(trace: Trace, pick: PickText): { nodes: SankeyNode[]; links: SankeyLink[] } {
  const nodes = new Map<string, SankeyNode>();
  const links: SankeyLink[] = [];
  const node = (n: SankeyNode) => {
    if (!nodes.has(n.name)) nodes.set(n.name, n);
    return n.name;
  };
  const link = (source: string, target: string | (() => string), value: number, note?: string) => {
    if (value > 0) links.push({ source, target: typeof target === 'string' ? target : target(), value, ...(note ? { note } : {}) });
  };
  const hops = new Map(trace.hops.map((h) => [h.id, h]));
  const holder = (hop: TraceHop) => node({ name: `hop:${hop.id}`, label: hop.recipient.name, kind: hop.recipient.kind, flowId: hop.id });
  const outcome = (kind: keyof typeof OUTCOME_LABELS) => () => node({ name: `out:${kind}`, label: pick(OUTCOME_LABELS[kind]), kind });

  for (const hop of trace.hops) {
    const to = holder(hop);
    if (!hop.parentFlowId || !hops.has(hop.parentFlowId)) {
      const d = hop.donor;
      const key = d.kind === 'individual' ? 'donor:individual' : d.kind === 'transfer' ? `donor:${d.from.kind}:${d.from.id}` : `donor:${d.kind}:${d.organizationId}:${d.name}`;
      const from = node({ name: key, label: donorName(d, pick), kind: 'donor' });
      if (hop.receivedAt) link(from, to, valueOf(hop, hop.received));
      else link(from, to, valueOf(hop, hop.pledged), pick(['认捐，尚未到账', 'pledged, not received yet']));
    }
    for (const a of hop.allocations) {
      const value = a.valueFen;
      const goal = a.target;
      if (goal.kind === 'organization' || goal.kind === 'fund') {
        const child = a.childFlowId ? hops.get(a.childFlowId) : undefined;
        const target = child
          ? holder(child)
          : node({ name: `pending:${hop.id}:${a.id}`, label: `${goal.party.name}（${pick(['待确认到账', 'not acknowledged'])}）`, kind: 'pending' });
        link(to, target, value);
        continue;
      }
      const target =
        goal.kind === 'need'
          ? node({ name: `need:${goal.needId}`, label: goal.title, kind: 'need' })
          : node({ name: `village:${goal.villageCode}:${goal.project}`, label: goal.project, kind: 'village' });
      link(to, target, value);
      const uses = hop.uses.filter((u) => u.allocationId === a.id);
      const confirmed = uses.filter((u) => u.confirmedAt).reduce((s, u) => s + u.valueFen, 0);
      const used = uses.reduce((s, u) => s + u.valueFen, 0);
      link(target, outcome('confirmed'), confirmed);
      link(target, outcome('used'), used - confirmed);
      link(target, outcome('unused'), Math.max(0, value - used));
    }
    link(to, outcome('balance'), valueOf(hop, hop.available));
    link(to, outcome('refunded'), valueOf(hop, hop.refunded));
  }
  // A holder or need that nothing flowed through as of the date (a fully returned allocation) is left out.
  const linked = new Set(links.flatMap((l) => [l.source, l.target]));
  return { nodes: [...nodes.values()].filter((n) => linked.has(n.name)), links };
}

export function sankeyOption(graph: { nodes: SankeyNode[]; links: SankeyLink[] }, compact: boolean): EChartsCoreOption {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: { dataType?: string; name?: string; value?: number; data?: SankeyLink & { name?: string } }) => {
        if (p.dataType === 'edge' && p.data) {
          const s = byName.get(p.data.source)?.label ?? p.data.source;
          const t = byName.get(p.data.target)?.label ?? p.data.target;
          return `${s} → ${t}<br/><b>${formatFen(p.data.value)}</b>${p.data.note ? `<br/>${p.data.note}` : ''}`;
        }
        const n = byName.get(p.name ?? '');
        return `${n?.label ?? p.name}<br/><b>${formatFen(p.value ?? 0)}</b>`;
      },
    },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: compact ? 130 : 190,
        top: 12,
        bottom: 12,
        nodeWidth: 14,
        nodeGap: 14,
        nodeAlign: 'justify',
        layoutIterations: 32,
        draggable: false,
        emphasis: { focus: 'adjacency' },
        data: graph.nodes.map((n) => ({ name: n.name, itemStyle: { color: NODE_COLORS[n.kind] } })),
        links: graph.links,
        lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 },
        label: {
          fontSize: compact ? 11 : 12,
          color: '#1f2937',
          width: compact ? 120 : 200,
          overflow: 'break',
          backgroundColor: 'rgba(255,255,255,0.75)',
          padding: [2, 4],
          borderRadius: 3,
          formatter: (p: { name: string; value: number }) => `${byName.get(p.name)?.label ?? p.name}\n${formatFen(p.value)}`,
          lineHeight: compact ? 15 : 17,
        },
      },
    ],
  };
}
