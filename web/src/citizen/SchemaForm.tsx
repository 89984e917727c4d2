// The online form of a procedure, generated from its JSON Schema (content.formSchema): one control per property,
// Vietnamese validation messages, and the server's 400 details mapped back to the fields they concern.
import type { ReactElement } from 'react';
import { ApiError } from '../api.ts';
import { Field } from '../ui.tsx';

export interface PropertySchema {
  type?: string | string[];
  title?: string;
  description?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}
export interface FormSchema {
  type?: string;
  required?: string[];
  properties?: Record<string, PropertySchema>;
}

/** What the inputs hold: text as typed (numbers too), booleans for checkboxes. */
export type FormValues = Record<string, string | boolean>;
export type FieldErrors = Record<string, string>;

const typeOf = (p: PropertySchema) => (Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type) ?? 'string';

/** The fields in the order the procedure's author wrote them (the server keeps the schema's key order). */
export function schemaFields(schema: FormSchema) {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  return Object.keys(props).map((key) => ({ key, prop: props[key], required: required.has(key), label: props[key].title || key }));
}

/** A field's label: the title, and "(bắt buộc)" when required. */
export const requiredLabel = (label: string, required: boolean) => (required ? `${label} (bắt buộc)` : label);

/** Values for the inputs from saved form data (a draft). */
export function toFormValues(schema: FormSchema, data: Record<string, unknown> | null | undefined): FormValues {
  const values: FormValues = {};
  for (const { key, prop } of schemaFields(schema)) {
    const v = data?.[key];
    if (v === undefined || v === null) continue;
    values[key] = typeOf(prop) === 'boolean' ? Boolean(v) : String(v);
  }
  return values;
}

/** The form data to send: typed per the schema, empty fields left out (so "required" means what it says). */
export function toFormData(schema: FormSchema, values: FormValues): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const { key, prop } of schemaFields(schema)) {
    const v = values[key];
    const t = typeOf(prop);
    if (t === 'boolean') {
      if (v !== undefined) data[key] = Boolean(v);
      continue;
    }
    const text = typeof v === 'string' ? v.trim() : '';
    if (!text) continue;
    data[key] = (t === 'number' || t === 'integer') && text !== '' && !Number.isNaN(Number(text.replace(',', '.'))) ? Number(text.replace(',', '.')) : text;
  }
  return data;
}

/** "^\d{12}$" → "gồm đúng 12 chữ số"; other patterns get a general message. */
function patternMessage(label: string, pattern: string) {
  const digits = /^\^(?:\\d|\[0-9\])\{(\d+)\}\$$/.exec(pattern);
  if (digits) return `${label} phải gồm đúng ${digits[1]} chữ số.`;
  return `${label} không đúng định dạng.`;
}

/** Client-side checks, in Vietnamese; the server checks again with the same schema. */
export function validateForm(schema: FormSchema, values: FormValues): FieldErrors {
  const errors: FieldErrors = {};
  for (const { key, prop, required, label } of schemaFields(schema)) {
    const t = typeOf(prop);
    if (t === 'boolean') continue;
    const text = typeof values[key] === 'string' ? (values[key] as string).trim() : '';
    if (!text) {
      if (required) errors[key] = prop.enum ? `Vui lòng chọn ${label.toLowerCase()}.` : `Vui lòng nhập ${label.toLowerCase()}.`;
      continue;
    }
    if (t === 'number' || t === 'integer') {
      const n = Number(text.replace(',', '.'));
      if (Number.isNaN(n)) errors[key] = `${label} phải là một số.`;
      else if (t === 'integer' && !Number.isInteger(n)) errors[key] = `${label} phải là số nguyên.`;
      else if (prop.minimum !== undefined && n < prop.minimum) errors[key] = `${label} phải từ ${prop.minimum} trở lên.`;
      else if (prop.maximum !== undefined && n > prop.maximum) errors[key] = `${label} không được lớn hơn ${prop.maximum}.`;
      continue;
    }
    if (prop.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(text)) errors[key] = `${label} không phải là ngày hợp lệ.`;
    else if (prop.format === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) errors[key] = `${label} không phải là địa chỉ thư điện tử hợp lệ.`;
    else if (prop.enum && !prop.enum.map(String).includes(text)) errors[key] = `Vui lòng chọn ${label.toLowerCase()} trong danh sách.`;
    else if (prop.minLength !== undefined && [...text].length < prop.minLength) errors[key] = `${label} phải có ít nhất ${prop.minLength} ký tự.`;
    else if (prop.maxLength !== undefined && [...text].length > prop.maxLength) errors[key] = `${label} không được dài quá ${prop.maxLength} ký tự.`;
    else if (prop.pattern) {
      try {
        if (!new RegExp(prop.pattern, 'u').test(text)) errors[key] = patternMessage(label, prop.pattern);
      } catch {
        /* the server decides */
      }
    }
  }
  return errors;
}

/**
 * The server's 400 details ({ path: "formData/ngaySinh" | "body/applicant/phone" | "files/0", message }) grouped by
 * where they belong: form fields, applicant fields, dossier components; the rest stays with the overall message.
 */
export function serverErrors(error: unknown) {
  const form: FieldErrors = {};
  const applicant: FieldErrors = {};
  const files: Record<number, string> = {};
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return { form, applicant, files };
  for (const d of error.details as { path?: string; message?: string }[]) {
    if (!d?.message || !d.path) continue;
    const path = d.path.replace(/^body\/?/, '').replace(/^\//, '');
    const [head, ...rest] = path.split('/');
    let key = rest.join('/');
    if (!key) key = /"([^"]+)"/.exec(d.message)?.[1] ?? ''; // "thiếu trường bắt buộc \"gioiTinh\"" at the object itself
    if (!key) continue;
    if (head === 'formData') form[key] ??= `Máy chủ: ${d.message}.`;
    else if (head === 'applicant') applicant[key] ??= `Máy chủ: ${d.message}.`;
    else if (head === 'files' && /^\d+$/.test(key)) files[Number(key)] ??= `Máy chủ: ${d.message}.`;
  }
  return { form, applicant, files };
}

/** Props of a control showing an error: aria-invalid, and the Field's hint carries the message. */
export const invalidProps = (error: string | undefined) => (error ? { 'aria-invalid': true as const } : {});

/** A Field whose hint turns into the error message when there is one. */
export function CheckedField({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: string;
  error?: string;
  children: ReactElement<{ id?: string; 'aria-describedby'?: string }>;
}) {
  return (
    <Field label={label} hint={error ?? hint} className={error ? 'field-invalid' : undefined}>
      {children}
    </Field>
  );
}

export function SchemaForm({
  schema,
  values,
  onChange,
  errors,
  disabled,
}: {
  schema: FormSchema;
  values: FormValues;
  onChange: (values: FormValues) => void;
  errors: FieldErrors;
  disabled?: boolean;
}) {
  const fields = schemaFields(schema);
  if (fields.length === 0) return <p className="muted">Thủ tục này không có tờ khai trực tuyến.</p>;
  const set = (key: string, v: string | boolean) => onChange({ ...values, [key]: v });
  return (
    <div className="grid-2">
      {fields.map(({ key, prop, required, label }) => {
        const t = typeOf(prop);
        const error = errors[key];
        const common = { name: key, disabled, 'aria-required': required || undefined, ...invalidProps(error) };
        if (t === 'boolean') {
          return (
            <label key={key} className="check standalone">
              <input type="checkbox" {...common} checked={values[key] === true} onChange={(e) => set(key, e.target.checked)} />
              {requiredLabel(label, required)}
            </label>
          );
        }
        const text = typeof values[key] === 'string' ? (values[key] as string) : '';
        let control: ReactElement<{ id?: string; 'aria-describedby'?: string }>;
        if (prop.enum) {
          control = (
            <select {...common} value={text} onChange={(e) => set(key, e.target.value)}>
              <option value="">— Chọn —</option>
              {prop.enum.map((o) => (
                <option key={String(o)} value={String(o)}>
                  {String(o)}
                </option>
              ))}
            </select>
          );
        } else if (t === 'number' || t === 'integer') {
          control = (
            <input
              {...common}
              type="number"
              inputMode={t === 'integer' ? 'numeric' : 'decimal'}
              step={t === 'integer' ? 1 : 'any'}
              min={prop.minimum}
              max={prop.maximum}
              value={text}
              onChange={(e) => set(key, e.target.value)}
            />
          );
        } else if (prop.format === 'date') {
          control = <input {...common} type="date" value={text} onChange={(e) => set(key, e.target.value)} />;
        } else if ((prop.maxLength ?? 0) > 300) {
          control = <textarea {...common} value={text} maxLength={prop.maxLength} onChange={(e) => set(key, e.target.value)} />;
        } else {
          const digits = prop.pattern ? /^\^(?:\\d|\[0-9\])\{(\d+)\}\$$/.exec(prop.pattern) : null;
          control = (
            <input
              {...common}
              type={prop.format === 'email' ? 'email' : 'text'}
              inputMode={digits ? 'numeric' : undefined}
              maxLength={digits ? Number(digits[1]) : prop.maxLength}
              value={text}
              onChange={(e) => set(key, e.target.value)}
            />
          );
        }
        return (
          <CheckedField key={key} label={requiredLabel(label, required)} hint={prop.description} error={error}>
            {control}
          </CheckedField>
        );
      })}
    </div>
  );
}
