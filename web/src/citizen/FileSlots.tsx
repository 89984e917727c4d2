// One file input per dossier component (thành phần hồ sơ), and when supplementing one per document the request asked
// for outside them: each chosen file is uploaded at once and listed with its name, size and a ✓; the page keeps
// { componentIndex | extraIndex, uploadId } for the submission.
import { useState, type ChangeEvent, type ReactNode } from 'react';
import type { DossierComponent, FileRef } from '../api.ts';
import { StoredChoice, type StoredDocument } from './MyDocuments.tsx';
import { formatSize } from '../format.ts';
import { ACCEPT, rememberedUpload, uploadFile } from './requests.ts';
import { CheckedField, invalidProps, requiredLabel } from './SchemaForm.tsx';

export type AttachedFile = FileRef & { name: string; size: number | null };
/** Where a file goes: a component, or a requested extra document. */
type SlotRef = { componentIndex: number } | { extraIndex: number };

/** Attached files from saved references (a draft), with the names this device remembers. */
export const fromRefs = (refs: FileRef[]): AttachedFile[] =>
  refs.map((r) => {
    const known = rememberedUpload(r.uploadId);
    return { ...r, name: known?.name ?? 'Tệp đã tải lên trước đây', size: known?.size ?? null };
  });
export const toRefs = (files: AttachedFile[]): FileRef[] =>
  files.map((f) =>
    f.extraIndex !== undefined ? { extraIndex: f.extraIndex, uploadId: f.uploadId } : { componentIndex: f.componentIndex, uploadId: f.uploadId },
  );

/** A document of the citizen's data store chosen for a component instead of an upload. */
export interface StoredPick {
  componentIndex: number;
  documentId: string;
  name: string;
}
export const toStoredRefs = (picks: StoredPick[]) => picks.map(({ componentIndex, documentId }) => ({ componentIndex, documentId }));
export interface StoreChoice {
  documents: StoredDocument[];
  picks: StoredPick[];
  onPick: (update: (picks: StoredPick[]) => StoredPick[]) => void;
}

/** Indexes of required components with no file yet. */
export const missingRequired = (components: DossierComponent[], files: { componentIndex?: number }[]) =>
  components.map((c, i) => (c.required && !files.some((f) => f.componentIndex === i) ? i : -1)).filter((i) => i >= 0);

/** Indexes of requested extra documents with no file yet (online, every one must come). */
export const missingExtras = (extras: string[], files: { extraIndex?: number }[]) =>
  extras.map((_, i) => (files.some((f) => f.extraIndex === i) ? -1 : i)).filter((i) => i >= 0);

const PREFIX_EXTRA = 'Giấy tờ bổ sung theo yêu cầu';

export function FileSlots({
  components,
  extras = [],
  files,
  onChange,
  errors,
  extraErrors = {},
  markRequired = true,
  disabled,
  store,
}: {
  components: DossierComponent[];
  files: AttachedFile[];
  onChange: (update: (files: AttachedFile[]) => AttachedFile[]) => void;
  errors: Record<number, string>;
  markRequired?: boolean;
  disabled?: boolean;
  /** Documents a supplement request asked for outside the components, each with its slot (always required). */
  extras?: string[];
  extraErrors?: Record<number, string>;
  /** Documents of the citizen's data store that may stand for a component (kho dữ liệu). */
  store?: StoreChoice;
}) {
  if (components.length === 0 && extras.length === 0) return <p className="muted">Thủ tục này không yêu cầu giấy tờ kèm theo.</p>;
  const hint = 'Tệp PDF, JPEG hoặc PNG, tối đa 10 MB.';
  return (
    <div className="file-slots">
      {components.map((c, i) => (
        <UploadSlot
          key={`c${i}`}
          slot={{ componentIndex: i }}
          name={c.name}
          label={requiredLabel(c.name, markRequired && c.required)}
          required={markRequired && c.required}
          hint={`${hint}${c.templateName ? ` Mẫu: ${c.templateName}.` : ''}`}
          error={errors[i]}
          files={files}
          onChange={onChange}
          disabled={disabled}>
          {store && store.documents.length > 0 && <StoredChoice index={i} component={c.name} store={store} disabled={disabled} />}
        </UploadSlot>
      ))}
      {extras.map((name, i) => (
        <UploadSlot
          key={`e${i}`}
          slot={{ extraIndex: i }}
          name={name}
          label={requiredLabel(`${PREFIX_EXTRA}: ${name}`, true)}
          required
          hint={hint}
          error={extraErrors[i]}
          files={files}
          onChange={onChange}
          disabled={disabled}
        />
      ))}
    </div>
  );
}

function UploadSlot({
  slot,
  name,
  label,
  required,
  hint,
  error,
  files,
  onChange,
  disabled,
  children,
}: {
  slot: SlotRef;
  name: string;
  label: string;
  required: boolean;
  hint: string;
  error?: string;
  files: AttachedFile[];
  onChange: (update: (files: AttachedFile[]) => AttachedFile[]) => void;
  disabled?: boolean;
  children?: ReactNode;
}) {
  const [busy, setBusy] = useState('');
  const [failed, setFailed] = useState('');
  const mine = files.filter((f) => ('extraIndex' in slot ? f.extraIndex === slot.extraIndex : f.componentIndex === slot.componentIndex));

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const chosen = Array.from(input.files ?? []);
    if (!chosen.length) return;
    setFailed('');
    for (const file of chosen) {
      setBusy(file.name);
      try {
        const u = await uploadFile(file);
        onChange((list) => [...list, { ...slot, uploadId: u.id, name: u.name, size: u.size }]);
      } catch (err) {
        setFailed(err instanceof Error ? err.message : String(err));
      }
    }
    setBusy('');
    input.value = '';
  };

  const shown = failed || error;
  return (
    <div className="file-slot">
      <CheckedField label={label} error={shown} hint={hint}>
        <input
          type="file"
          accept={ACCEPT}
          multiple
          onChange={choose}
          disabled={disabled || Boolean(busy)}
          aria-required={required || undefined}
          {...invalidProps(shown)}
        />
      </CheckedField>
      {busy && (
        <p className="loading small" role="status">
          Đang tải lên “{busy}”…
        </p>
      )}
      {children}
      {mine.length > 0 && (
        <ul className="file-list" aria-label={`Tệp đã tải lên: ${name}`}>
          {mine.map((f) => (
            <li key={f.uploadId}>
              <span className="file-ok" aria-hidden="true">
                ✓
              </span>
              <span className="file-name">{f.name}</span>
              {f.size !== null && <span className="muted small nowrap">{formatSize(f.size)}</span>}
              <span className="visually-hidden">đã tải lên</span>
              <button
                type="button"
                className="btn btn-link"
                disabled={disabled}
                onClick={() => onChange((list) => list.filter((x) => x.uploadId !== f.uploadId))}>
                Gỡ bỏ<span className="visually-hidden"> tệp {f.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
