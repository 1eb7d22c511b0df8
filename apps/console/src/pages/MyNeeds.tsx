import { Button, Empty, Skeleton, Space } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { CommandResult, Commitment, Delivery, get, Need, NeedListItem, NeedPage } from '../api';
import { donorName, Flow, FlowPage, Use, USE_EVIDENCE_LABELS } from '../donations';
import { useActor } from '../auth';
import { CategoryTag, ErrorAlert, LineItemStatusTag, NeedStatusTag, PageTitle, Place } from '../components/common';
import type { Dialog } from '../components/NeedDialogs';
import { CountBadge, Pager } from '../components/Plain';
import { Section } from '../components/Section';
import { formatDate, formatDateTime, formatFen, formatQuantity, placeName, useApiOffers, useDivision, useGet } from '../hooks';
import { useI18n } from '../i18n';
import { NEED_STATUS_LABELS, NEED_STATUSES } from '../labels';
import { useFeedback } from '../feedback';

// The dialogs load when one opens: the coordinator's first page shows the lists without their forms.
const NeedDialog = lazy(() => import('../components/NeedDialogs').then((m) => ({ default: m.NeedDialog })));
const ConfirmUseDialog = lazy(() => import('../components/ConfirmUseDialog').then((m) => ({ default: m.ConfirmUseDialog })));

const PAGE_SIZE = 10;
const LIVE = ['published', 'partially_committed', 'fully_committed', 'delivered'];

/** The division filter of the API for a coordinator's scope (a city, county, town or village). */
const divisionOf = (scope: string | undefined) => (scope && [4, 6, 9, 12].includes(scope.length) ? scope : undefined);

type Task =
  | { kind: 'offer'; need: Need; commitment: Commitment }
  | { kind: 'delivery'; need: Need; commitment: Commitment; delivery: Delivery }
  | { kind: 'fulfil'; need: Need };

function tasksOf(need: Need): Task[] {
  const tasks: Task[] = [];
  for (const commitment of need.commitments) {
    if (commitment.status === 'offered') tasks.push({ kind: 'offer', need, commitment });
    for (const delivery of commitment.deliveries) if (!delivery.confirmedAt) tasks.push({ kind: 'delivery', need, commitment, delivery });
  }
  const deliveries = need.commitments.flatMap((c) => c.deliveries);
  if (tasks.length === 0 && LIVE.includes(need.status) && deliveries.length > 0 && deliveries.every((d) => d.confirmedAt)) tasks.push({ kind: 'fulfil', need });
  return tasks;
}

/**
 * What waits for the coordinator: commitments to accept or decline, deliveries to confirm, needs
 * to confirm as fulfilled. Read from the live needs of their scope that have commitments.
 */
function Tasks({ division, version, minPosition, onDone }: { division: string | undefined; version: number; minPosition: number | null; onDone: (position: number | null) => void }) {
  const { t, lang } = useI18n();
  const { message } = useFeedback();
  const [tasks, setTasks] = useState<Task[]>();
  const [error, setError] = useState<unknown>();
  const [dialog, setDialog] = useState<{ need: Need; dialog: Dialog } | null>(null);

  useEffect(() => {
    let live = true;
    setError(undefined);
    (async () => {
      const query = new URLSearchParams({ pageSize: '100' });
      if (division) query.set('division', division);
      // After one of the coordinator's own commands: read once the read models include it.
      const page = await get<NeedPage>(`/api/needs?${query}`, { minPosition });
      const candidates = page.items.filter((n) => LIVE.includes(n.status) && n.commitmentCount > 0).slice(0, 30);
      const needs = await Promise.all(candidates.map((n) => get<Need>(`/api/needs/${encodeURIComponent(n.id)}`, { minPosition })));
      if (live) setTasks(needs.flatMap(tasksOf));
    })().catch((failure) => live && setError(failure));
    return () => {
      live = false;
    };
  }, [division, version, minPosition]);

  const items = (need: Need, list: Array<{ lineItemId: string; quantity: number }>) =>
    list
      .map((i) => {
        const li = need.lineItems.find((l) => l.id === i.lineItemId);
        return li ? `${li.description} ${formatQuantity(li, i.quantity, lang)}` : i.lineItemId;
      })
      .join(t('comma'));

  return (
    <Section
      className="section tasks"
      testId="tasks"
      title={
        <Space>
          {t('tasksTitle')}
          {tasks && tasks.length > 0 && <CountBadge count={tasks.length} />}
        </Space>
      }
    >
      <ErrorAlert error={error} />
      {!tasks && !error && <Skeleton active paragraph={{ rows: 2 }} />}
      {tasks?.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noTasks')} />}
      {tasks?.map((task) => {
        const key = task.kind === 'fulfil' ? `f-${task.need.id}` : task.kind === 'offer' ? `o-${task.need.id}-${task.commitment.id}` : `d-${task.need.id}-${task.delivery.id}`;
        return (
          <div key={key} className="task" data-testid={`task-${task.kind}`}>
            <div className="task-text">
              <Link to={`/needs/${task.need.id}`} className="need-link">
                {task.need.title}
              </Link>
              <div className="small secondary">
                {task.kind === 'offer' && t('taskOffer', { org: task.commitment.team ? `${task.commitment.organizationName}${t('paren', { text: t('teamOfferTag', { title: task.commitment.team.title }) })}` : task.commitment.organizationName, items: items(task.need, task.commitment.items), date: formatDate(task.commitment.promisedBy) })}
                {task.kind === 'delivery' && t('taskDelivery', { org: task.commitment.organizationName, items: items(task.need, task.delivery.items), date: formatDateTime(task.delivery.recordedAt) })}
                {task.kind === 'fulfil' && t('taskFulfil')}
              </div>
            </div>
            <Space wrap className="task-actions">
              {task.kind === 'offer' && (
                <>
                  <Button type="primary" onClick={() => setDialog({ need: task.need, dialog: { type: 'accept', commitment: task.commitment } })} data-testid="task-accept">
                    {t('accept')}
                  </Button>
                  <Button onClick={() => setDialog({ need: task.need, dialog: { type: 'decline', commitment: task.commitment } })} data-testid="task-decline">
                    {t('decline')}
                  </Button>
                </>
              )}
              {task.kind === 'delivery' && (
                <Button type="primary" onClick={() => setDialog({ need: task.need, dialog: { type: 'confirm', commitment: task.commitment, delivery: task.delivery } })} data-testid="task-confirm">
                  {t('confirmDelivery')}
                </Button>
              )}
              {task.kind === 'fulfil' && (
                <Button type="primary" onClick={() => setDialog({ need: task.need, dialog: { type: 'fulfil' } })} data-testid="task-fulfil-need">
                  {t('fulfil')}
                </Button>
              )}
            </Space>
          </div>
        );
      })}
      {dialog && (
        <Suspense fallback={null}>
        <NeedDialog
          need={dialog.need}
          dialog={dialog.dialog}
          onClose={() => setDialog(null)}
          onDone={(result: CommandResult) => {
            setDialog(null);
            message.success(t('done'));
            onDone(result.position ?? null);
          }}
        />
        </Suspense>
      )}
    </Section>
  );
}

/** What each line item still lacks: a small plain table (Ant Design's would bring its table, sorting and tree code to the first page). */
function ItemStatuses({ need }: { need: NeedListItem }) {
  const { t, lang } = useI18n();
  return (
    <div className="item-statuses table-scroll" tabIndex={0} role="group" aria-label={need.title}>
      <table className="mini-table">
        <thead>
          <tr>
            <th>{t('itemDesc')}</th>
            <th className="num">{t('required')}</th>
            <th className="num">{t('lacking')}</th>
            <th className="num">{t('status')}</th>
          </tr>
        </thead>
        <tbody>
          {need.lineItems.map((li) => (
            <tr key={li.id}>
              <td>{li.description}</td>
              <td className="num">{formatQuantity(li, li.quantity, lang)}</td>
              <td className="num">
                <span className={li.lacking > 0 && LIVE.includes(need.status) ? 'danger' : undefined}>{formatQuantity(li, li.lacking, lang)}</span>
              </td>
              <td className="num">
                <LineItemStatusTag status={li.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A use of donated money or goods in one of the coordinator's villages, not yet confirmed by the village. */
export interface UseTask {
  flow: Flow;
  use: Use;
  purpose: string;
}

/**
 * Donations to confirm: what organizations report having used in the coordinator's villages,
 * with the evidence, for the village to confirm (受益村确认). Read from the donation flows the
 * coordinator may see; hidden where the running API has no donations context.
 */
function DonationUses({ version, scope }: { version: number; scope: string | undefined }) {
  const { t, pick } = useI18n();
  const { message } = useFeedback();
  const offered = useApiOffers('/api/donations');
  const { data, error, reload } = useGet<FlowPage>(offered ? '/api/donations?status=used&pageSize=100' : null); // flows with uses, not all confirmed
  // Read again when the coordinator's other tasks change.
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  const [confirming, setConfirming] = useState<UseTask | null>(null);
  const tasks: UseTask[] = (data?.items ?? []).flatMap((flow) =>
    flow.uses
      .filter((use) => !use.confirmedAt && (!scope || use.villageCode.startsWith(scope)))
      .map((use) => {
        const target = flow.allocations.find((a) => a.id === use.allocationId)?.target;
        const purpose = target?.kind === 'need' ? target.title : target?.kind === 'village' ? target.project : '';
        return { flow, use, purpose };
      }),
  );
  if (!offered) return null;
  const amount = (task: UseTask) =>
    task.flow.resource.kind === 'money' ? formatFen(task.use.amount) : `${task.use.amount} ${task.flow.resource.unit}（${formatFen(task.use.valueFen)}）`;
  return (
    <Section
      className="section tasks"
      testId="donation-uses"
      title={
        <Space>
          {t('usesToConfirm')}
          {tasks.length > 0 && <CountBadge count={tasks.length} />}
        </Space>
      }
    >
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {!data && !error && <Skeleton active paragraph={{ rows: 1 }} />}
      {data && tasks.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noUsesToConfirm')} />}
      {tasks.map((task) => (
        <div key={`${task.flow.id}/${task.use.id}`} className="task" data-testid={`use-${task.use.id}`}>
          <div className="task-text">
            {task.use.needId ? (
              <Link to={`/needs/${task.use.needId}`} className="need-link">
                {task.purpose}
              </Link>
            ) : (
              <span className="need-link">{task.purpose}</span>
            )}
            <div className="small secondary">
              {t('useTask', { org: task.flow.recipient.name, donor: donorName(task.flow.donor, pick), amount: amount(task), date: formatDate(task.use.usedOn) })}
            </div>
            <div className="small secondary">
              {t('useEvidence')}
              {t('colon')}
              {task.use.evidence.length ? task.use.evidence.map((e) => `${pick(USE_EVIDENCE_LABELS[e.kind] ?? [e.kind, e.kind])} ${e.ref}`).join(t('comma')) : t('noEvidence')}
            </div>
          </div>
          <Space wrap className="task-actions">
            <Button type="primary" onClick={() => setConfirming(task)} data-testid="confirm-use">
              {t('confirmUse')}
            </Button>
          </Space>
        </div>
      ))}
      {confirming && (
        <Suspense fallback={null}>
          <ConfirmUseDialog
            task={confirming}
            amount={amount(confirming)}
            onClose={() => setConfirming(null)}
            onDone={() => {
              setConfirming(null);
              message.success(t('done'));
              reload();
            }}
          />
        </Suspense>
      )}
    </Section>
  );
}

export function MyNeeds() {
  const { t, pick } = useI18n();
  const actor = useActor();
  const [params, setParams] = useSearchParams();
  const [version, setVersion] = useState(0);
  const division = divisionOf(actor.scope);
  const scope = useDivision(actor.scope && actor.scope.length >= 4 ? actor.scope : null);
  const status = params.get('status') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  if (division) query.set('division', division);
  if (status) query.set('status', status);
  const { data, error, loading, reload } = useGet<NeedPage>(actor.role === 'coordinator' ? `/api/needs?${query}` : null);
  const [minPosition, setMinPosition] = useState<number | null>(null);
  const refresh = useCallback(
    (position: number | null) => {
      if (position !== null) setMinPosition(position);
      setVersion((v) => v + 1);
      reload();
    },
    [reload],
  );

  const set = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== 'page') next.delete('page');
    setParams(next);
  };

  return (
    <>
      <PageTitle
        title={t('mineTitle')}
        intro={scope ? t('mineIntro', { place: placeName(scope) }) : undefined}
        extra={
          <Link to="/needs/new">
            <Button type="primary" data-testid="post-need">
              {t('navNewNeed')}
            </Button>
          </Link>
        }
      />
      {actor.role === 'coordinator' && <Tasks division={division} version={version} minPosition={minPosition} onDone={refresh} />}
      {actor.role === 'coordinator' && <DonationUses version={version} scope={actor.scope} />}
      <Section
        className="section"
        title={t('mineList')}
        extra={
          <select
            className="plain-select plain-select-small"
            data-testid="mine-status"
            aria-label={t('status')}
            value={status ?? ''}
            onChange={(event) => set('status', event.target.value || undefined)}
          >
            <option value="">{t('allStatuses')}</option>
            {NEED_STATUSES.map((s) => (
              <option key={s} value={s}>
                {pick(NEED_STATUS_LABELS[s])}
              </option>
            ))}
          </select>
        }
      >
        <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
        {loading && !data && <Skeleton active />}
        {data?.items.length === 0 && <Empty description={t('emptyMineNeeds')} />}
        <div className="mine-list" data-testid="mine-list">
          {data?.items.map((need) => (
            <div key={need.id} className="mine-need" data-testid="mine-need">
              <div className="mine-need-head">
                <Link to={`/needs/${need.id}`} className="need-link">
                  {need.title}
                </Link>
                <Space wrap size={[4, 4]} className="need-card-tags">
                  <NeedStatusTag status={need.status} />
                  <CategoryTag category={need.category} />
                </Space>
              </div>
              <div className="small secondary">
                <Place code={need.villageCode} />
                {' · '}
                {t('colDue')}
                {t('colon')}
                {need.dueDate ? formatDate(need.dueDate) : t('noDueDate')}
                {' · '}
                {t('colCommitments')}
                {t('colon')}
                {need.commitmentCount}
              </div>
              <ItemStatuses need={need} />
            </div>
          ))}
        </div>
        {data && data.total > PAGE_SIZE && (
          <div className="pager">
            <span className="secondary">{t('total', { n: data.total })}</span>
            <Pager current={page} pages={Math.ceil(data.total / PAGE_SIZE)} onChange={(p) => set('page', String(p))} />
          </div>
        )}
      </Section>
    </>
  );
}
