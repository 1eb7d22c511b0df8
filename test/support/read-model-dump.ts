import { DataSource } from 'typeorm';
import { CommitmentView, LineItemView, NeedView } from '@shecun/needs';

/** The needs read model as plain sorted rows, for comparing two databases. */
export async function dumpNeedsReadModel(dataSource: DataSource) {
  const needs = (await dataSource.getRepository(NeedView).find({ order: { id: 'ASC' } })).map((n) => ({ ...n, document: JSON.parse(n.document) }));
  const lineItems = await dataSource.getRepository(LineItemView).find({ order: { needId: 'ASC', lineItemId: 'ASC' } });
  const commitments = (await dataSource.getRepository(CommitmentView).find({ order: { needId: 'ASC', id: 'ASC' } })).map((c) => ({ ...c, items: JSON.parse(c.items) }));
  // Positions differ between stores (the bus path carries the store's own); compare what users see.
  return { needs: needs.map(({ position: _p, ...rest }) => rest), lineItems, commitments };
}
