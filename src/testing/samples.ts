// Sample inputs for tests that go through every demo procedure: a form that each procedure's JSON Schema accepts.

/** A value the form's JSON Schema accepts, for a required field. */
function sample(schema: Record<string, any>, idNumber: string): unknown {
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'date') return '2026-01-15';
      if (schema.format === 'email') return 'nguoi.nop@example.vn';
      if (schema.pattern) {
        const re = new RegExp(schema.pattern);
        const candidate = re.test(idNumber)
          ? idNumber
          : String(schema.pattern)
              .replace(/^\^|\$$/g, '')
              .replace(/\\d\{(\d+)\}/g, (_m: string, n: string) => '9'.repeat(Number(n)));
        if (!re.test(candidate)) throw new Error(`no sample for the pattern ${schema.pattern}`);
        return candidate;
      }
      return 'Nội dung kê khai mẫu'.padEnd(schema.minLength ?? 0, '.');
    }
    case 'integer':
    case 'number':
      return Math.min(Math.max(1, schema.minimum ?? 1), schema.maximum ?? Infinity);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items ?? { type: 'string' }, idNumber));
    case 'object':
      return formData(schema, idNumber);
    default:
      return 'Nội dung kê khai mẫu';
  }
}
export const formData = (schema: Record<string, any>, idNumber: string) =>
  Object.fromEntries(((schema.required ?? []) as string[]).map((k) => [k, sample(schema.properties?.[k] ?? {}, idNumber)]));
