import type { ReactNode } from 'react';

/**
 * A titled block of a page in the look of Ant Design's card, without it: its card brings its tabs
 * and their menus along, which the coordinator's first page has no use for.
 */
export function Section({ title, extra, className, testId, children }: { title: ReactNode; extra?: ReactNode; className?: string; testId?: string; children: ReactNode }) {
  return (
    <section className={className ? `plain-card ${className}` : 'plain-card'} data-testid={testId}>
      <div className="plain-card-head">
        <div className="plain-card-title">{title}</div>
        {extra && <div className="plain-card-extra">{extra}</div>}
      </div>
      <div className="plain-card-body">{children}</div>
    </section>
  );
}
