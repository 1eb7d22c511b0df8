import { ReactNode } from 'react';

/** Label / value pairs in two columns (the need detail's figures). */
export function Figures({ items }: { items: Array<[ReactNode, ReactNode, string?]> }) {
  return (
    <div className="figures">
      {items.map(([name, value, className], i) => (
        <div key={i}>
          <span>{name}</span>
          <b className={className}>{value}</b>
        </div>
      ))}
    </div>
  );
}
