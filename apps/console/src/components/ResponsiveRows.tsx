import { Card, Empty, Grid, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { usePrinting } from './PrintButton';

/** A table on wide screens and on paper (every row, no pages), one card per row on phones. */
export function ResponsiveRows<T>({ rows, columns, rowKey, card, empty, testId }: { rows: T[]; columns: ColumnsType<T>; rowKey: (row: T) => string; card: (row: T) => ReactNode; empty: string; testId: string }) {
  const printing = usePrinting();
  const breakpoint = Grid.useBreakpoint();
  const wide = printing || (breakpoint.md ?? true);
  if (wide) return <Table<T> data-testid={testId} rowKey={rowKey} size="middle" columns={columns} dataSource={rows} pagination={rows.length > 20 && !printing ? { pageSize: 20, showSizeChanger: false } : false} locale={{ emptyText: <Empty description={empty} /> }} />;
  return (
    <div data-testid={testId}>
      {rows.length === 0 && <Empty description={empty} />}
      {rows.map((row) => (
        <Card key={rowKey(row)} size="small" className="need-card">
          {card(row)}
        </Card>
      ))}
    </div>
  );
}
