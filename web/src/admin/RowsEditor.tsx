// An editable list of rows (fees, dossier components): each row a small fieldset with a remove button.
import type { ReactNode } from 'react';

export function RowsEditor<T>({
  rowTitle,
  items,
  onChange,
  blank,
  addLabel,
  empty,
  children,
}: {
  rowTitle: string;
  items: T[];
  onChange: (items: T[]) => void;
  blank: () => T;
  addLabel: string;
  empty: string;
  children: (item: T, update: (patch: Partial<T>) => void, index: number) => ReactNode;
}) {
  const update = (i: number) => (patch: Partial<T>) => onChange(items.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <div className="rows-editor">
      {items.length === 0 && <p className="muted">{empty}</p>}
      {items.map((item, i) => (
        <fieldset key={i} className="row-card">
          <legend>
            {rowTitle} {i + 1}
          </legend>
          <div className="row-fields">{children(item, update(i), i)}</div>
          <button
            type="button"
            className="btn btn-small btn-danger"
            onClick={() => onChange(items.filter((_, j) => j !== i))}
            aria-label={`Xóa ${rowTitle.toLowerCase()} ${i + 1}`}>
            Xóa dòng
          </button>
        </fieldset>
      ))}
      <button type="button" className="btn" onClick={() => onChange([...items, blank()])}>
        {addLabel}
      </button>
    </div>
  );
}
