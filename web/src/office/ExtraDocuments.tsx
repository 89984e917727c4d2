// The documents a supplement request asks for outside the procedure's components (giấy tờ ngoài thành phần hồ sơ):
// one named row each, added and removed by the officer; the citizen gets an upload slot for each.
import { Field } from '../ui.tsx';

/** As the API bounds them (src/dossiers/supplement.ts). */
const MAX_EXTRA_DOCUMENTS = 20;
const MAX_NAME = 300;

/** The names to send: rows left blank are dropped. */
export const extraDocumentNames = (rows: string[]) => rows.map((r) => r.trim()).filter(Boolean);

export function ExtraDocumentsField({ rows, onChange }: { rows: string[]; onChange: (rows: string[]) => void }) {
  return (
    <fieldset className="extra-documents">
      <legend>Giấy tờ cần nộp thêm ngoài thành phần hồ sơ của thủ tục (nếu có)</legend>
      <p className="field-hint">Công dân có một ô tải lên cho mỗi giấy tờ, ví dụ “Bản sao hợp đồng thuê nhà”; nộp trực tuyến thì phải nộp đủ.</p>
      {rows.map((name, i) => (
        // Rows have no identity but their position; the inputs are controlled, so removing one keeps the others' text.
        <div className="extra-document-row" key={i}>
          <Field label={`Giấy tờ ${i + 1}`}>
            <input value={name} maxLength={MAX_NAME} onChange={(e) => onChange(rows.map((r, j) => (j === i ? e.target.value : r)))} />
          </Field>
          <button type="button" className="btn btn-link" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Bỏ giấy tờ ${i + 1}`}>
            Bỏ
          </button>
        </div>
      ))}
      {rows.length < MAX_EXTRA_DOCUMENTS && (
        <button type="button" className="btn" onClick={() => onChange([...rows, ''])}>
          Thêm giấy tờ
        </button>
      )}
    </fieldset>
  );
}
