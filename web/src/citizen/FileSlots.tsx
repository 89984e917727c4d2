// One file input per dossier component (thành phần hồ sơ): each chosen file is uploaded at once and listed with its
// name, size and a ✓; the page keeps { componentIndex, uploadId } for the submission.
import { useState, type ChangeEvent } from 'react';
import type { DossierComponent, FileRef } from '../api.ts';
import { StoredChoice, type StoredDocument } from './MyDocuments.tsx';
import { formatSize } from '../format.ts';
import { ACCEPT, rememberedUpload, uploadFile } from './requests.ts';
import { CheckedField, invalidProps, requiredLabel } from './SchemaForm.tsx';

export interface AttachedFile extends FileRef { name: string; size: number | null }

/** Attached files from saved references (a draft), with the names this device remembers. */
export const fromRefs = (refs: FileRef[]): AttachedFile[] => refs.map((r) => {
  const known = rememberedUpload(r.uploadId);
  return { ...r, name: known?.name ?? 'Tệp đã tải lên trước đây', size: known?.size ?? null };
});
export const toRefs = (files: AttachedFile[]): FileRef[] => files.map(({ componentIndex, uploadId }) => ({ componentIndex, uploadId }));

/** A document of the citizen's data store chosen for a component instead of an upload. */
export interface StoredPick { componentIndex: number; documentId: string; name: string }
export const toStoredRefs = (picks: StoredPick[]) => picks.map(({ componentIndex, documentId }) => ({ componentIndex, documentId }));
export interface StoreChoice { documents: StoredDocument[]; picks: StoredPick[]; onPick: (update: (picks: StoredPick[]) => StoredPick[]) => void }

/** Indexes of required components with no file yet. */
export const missingRequired = (components: DossierComponent[], files: { componentIndex: number }[]) =>
  components.map((c, i) => (c.required && !files.some((f) => f.componentIndex === i) ? i : -1)).filter((i) => i >= 0);

export function FileSlots({ components, files, onChange, errors, markRequired = true, disabled, store }: {
  components: DossierComponent[]; files: AttachedFile[]; onChange: (update: (files: AttachedFile[]) => AttachedFile[]) => void;
  errors: Record<number, string>; markRequired?: boolean; disabled?: boolean;
  /** Documents of the citizen's data store that may stand for a component (kho dữ liệu). */
  store?: StoreChoice;
}) {
  const [busy, setBusy] = useState<Record<number, string>>({});
  const [failed, setFailed] = useState<Record<number, string>>({});

  const choose = (index: number) => async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const chosen = Array.from(input.files ?? []);
    if (!chosen.length) return;
    setFailed((f) => ({ ...f, [index]: '' }));
    for (const file of chosen) {
      setBusy((b) => ({ ...b, [index]: file.name }));
      try {
        const u = await uploadFile(file);
        onChange((list) => [...list, { componentIndex: index, uploadId: u.id, name: u.name, size: u.size }]);
      } catch (err) {
        setFailed((f) => ({ ...f, [index]: err instanceof Error ? err.message : String(err) }));
      }
    }
    setBusy((b) => ({ ...b, [index]: '' }));
    input.value = '';
  };

  if (components.length === 0) return <p className="muted">Thủ tục này không yêu cầu giấy tờ kèm theo.</p>;
  return (
    <div className="file-slots">
      {components.map((c, i) => {
        const mine = files.filter((f) => f.componentIndex === i);
        const error = failed[i] || errors[i];
        return (
          <div key={i} className="file-slot">
            <CheckedField label={requiredLabel(c.name, markRequired && c.required)} error={error}
              hint={`Tệp PDF, JPEG hoặc PNG, tối đa 10 MB.${c.templateName ? ` Mẫu: ${c.templateName}.` : ''}`}>
              <input type="file" accept={ACCEPT} multiple onChange={choose(i)} disabled={disabled || Boolean(busy[i])}
                aria-required={(markRequired && c.required) || undefined} {...invalidProps(error)} />
            </CheckedField>
            {busy[i] && <p className="loading small" role="status">Đang tải lên “{busy[i]}”…</p>}
            {store && store.documents.length > 0 && <StoredChoice index={i} component={c.name} store={store} disabled={disabled} />}
            {mine.length > 0 && (
              <ul className="file-list" aria-label={`Tệp đã tải lên: ${c.name}`}>
                {mine.map((f) => (
                  <li key={f.uploadId}>
                    <span className="file-ok" aria-hidden="true">✓</span>
                    <span className="file-name">{f.name}</span>
                    {f.size !== null && <span className="muted small nowrap">{formatSize(f.size)}</span>}
                    <span className="visually-hidden">đã tải lên</span>
                    <button type="button" className="btn btn-link" disabled={disabled}
                      onClick={() => onChange((list) => list.filter((x) => x.uploadId !== f.uploadId))}>
                      Gỡ bỏ<span className="visually-hidden"> tệp {f.name}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </div>
  );
}
