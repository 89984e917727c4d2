// Shared building blocks: data loading, page title, messages, form fields, badges, tables, paging.
import { cloneElement, useCallback, useEffect, useId, useRef, useState, type ReactElement, type ReactNode } from 'react';
import { api } from './api.ts';
import { SITE_NAME, formatNumber } from './format.ts';

export function usePageTitle(title: string | null | undefined) {
  useEffect(() => {
    document.title = title ? `${title} — ${SITE_NAME}` : SITE_NAME;
  }, [title]);
}

/**
 * GETs `path` (null = wait) and re-fetches when it changes; stale answers are discarded. `reload()` resolves once the
 * page holds the new answer, so a message about a change can appear together with the changed page.
 */
export function useFetch<T>(path: string | null) {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({ data: null, error: null, loading: path !== null });
  const [tick, setTick] = useState(0);
  const reloaded = useRef<(() => void)[]>([]);
  useEffect(() => {
    if (path === null) return;
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    api<T>(path, { signal: ctrl.signal }).then(
      (data) => {
        setState({ data, error: null, loading: false });
        for (const done of reloaded.current.splice(0)) done();
      },
      (error: Error) => {
        if (ctrl.signal.aborted) return;
        setState((s) => ({ ...s, error, loading: false }));
        for (const done of reloaded.current.splice(0)) done();
      },
    );
    return () => ctrl.abort();
  }, [path, tick]);
  const reload = useCallback(
    () =>
      new Promise<void>((done) => {
        reloaded.current.push(done);
        setTick((t) => t + 1);
      }),
    [],
  );
  const setData = useCallback((data: T) => setState({ data, error: null, loading: false }), []);
  return { ...state, reload, setData };
}

/** Runs an action (a form submit, a button) and keeps its error and busy state. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const run = useCallback(async <R,>(fn: () => Promise<R>): Promise<R | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

export function ErrorMessage({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  const details = (error as { details?: unknown }).details;
  const list = Array.isArray(details) ? (details as { path?: string; message?: string }[]).filter((d) => d?.message) : [];
  return (
    <div className="alert alert-error" role="alert">
      <p>{error.message}</p>
      {list.length > 1 && (
        <ul>
          {list.map((d, i) => (
            <li key={i}>
              {d.path ? <code>{d.path}</code> : null} {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div className="alert alert-success" role="status">
      {children}
    </div>
  );
}

export function Loading({ label = 'Đang tải dữ liệu…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

/** A labelled form control (one element child): the label points at it by id, the hint describes it. */
export function Field({
  label,
  hint,
  children,
  className,
}: {
  label: string;
  hint?: string;
  children: ReactElement<{ id?: string; 'aria-describedby'?: string }>;
  className?: string;
}) {
  const id = useId();
  return (
    <div className={`field ${className ?? ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {cloneElement(children, { id, 'aria-describedby': hint ? `${id}-hint` : undefined })}
      {hint && (
        <span className="field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}

/** A required pick-one question as radio buttons; `missing` (after a submit without a pick) says so beside it. */
export function RadioChoice<V extends string | number>({
  legend,
  name,
  options,
  value,
  onChange,
  missing,
  missingText,
  disabled,
}: {
  legend: string;
  name: string;
  options: readonly { value: V; label: string }[];
  value: V | null;
  onChange: (value: V) => void;
  missing: boolean;
  missingText: string;
  disabled: boolean;
}) {
  const unanswered = missing && value === null;
  return (
    <fieldset className="choice-group" aria-invalid={unanswered ? true : undefined}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={String(o.value)} className="check">
          <input type="radio" name={name} value={String(o.value)} checked={value === o.value} onChange={() => onChange(o.value)} disabled={disabled} />{' '}
          {o.label}
        </label>
      ))}
      {unanswered && <p className="field-error">{missingText}</p>}
    </fieldset>
  );
}

export function Badge({ tone = 'neutral', title, children }: { tone?: 'neutral' | 'green' | 'blue' | 'amber' | 'red'; title?: string; children: ReactNode }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/**
 * A table that never widens the page: it scrolls sideways inside its own box, or with `stack` each row becomes
 * a card on narrow screens (cells then need data-label, shown as the column name).
 */
export function TableWrap({ label, stack, children }: { label: string; stack?: boolean; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling table must be reachable by keyboard to scroll it (WCAG 2.1.1)
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table className={stack ? 'stack' : undefined}>
        <caption className="visually-hidden">{label}</caption>
        {children}
      </table>
    </div>
  );
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label="Phân trang">
      <button type="button" className="btn" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ‹ Trang trước
      </button>
      <span aria-current="page">
        Trang {formatNumber(page)} / {formatNumber(pages)}
      </span>
      <button type="button" className="btn" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Trang sau ›
      </button>
    </nav>
  );
}

/**
 * A search box's text, handed to `commit` (which writes it to the URL) ~250 ms after the last keystroke;
 * when the URL changes by other means (back button), the box follows it.
 */
export function useSearchParamText(urlValue: string, commit: (value: string) => void, delay = 250) {
  const [text, setText] = useState(urlValue);
  const written = useRef(urlValue);
  const commitRef = useRef(commit);
  commitRef.current = commit;
  useEffect(() => {
    if (urlValue !== written.current) {
      written.current = urlValue;
      setText(urlValue);
    }
  }, [urlValue]);
  useEffect(() => {
    if (text === written.current) return;
    const t = setTimeout(() => {
      written.current = text;
      commitRef.current(text);
    }, delay);
    return () => clearTimeout(t);
  }, [text, delay]);
  const latest = useRef(text);
  latest.current = text;
  /** Writes the text now (on Enter), without waiting for the pause. */
  const flush = useCallback(() => {
    if (latest.current !== written.current) {
      written.current = latest.current;
      commitRef.current(latest.current);
    }
  }, []);
  return { text, setText, flush };
}

/** A form ref whose first field gets focus (and so scrolls into view) on mount when `active`, e.g. on "Sửa". */
export function useFocusFirstField<E extends HTMLElement>(active: boolean) {
  const ref = useRef<E>(null);
  useEffect(() => {
    if (active) ref.current?.querySelector<HTMLElement>('input:not([disabled]), select:not([disabled]), textarea')?.focus();
  }, [active]);
  return ref;
}

/** The list with `item` replacing the element of the same id, or appended. */
export function upsert<T extends { id: string }>(items: T[], item: T): T[] {
  return items.some((x) => x.id === item.id) ? items.map((x) => (x.id === item.id ? { ...x, ...item } : x)) : [...items, item];
}
