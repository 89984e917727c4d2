// JSON Schema of a procedure version's content (see types.ts), used by the API and by the importer.
const str = (max: number, min = 1) => ({ type: 'string', minLength: min, maxLength: max }) as const;

export const procedureContentSchema = {
  $id: 'ProcedureContent',
  type: 'object',
  additionalProperties: false,
  required: ['nationalCode', 'name', 'field', 'agencyLevel', 'competentAgency', 'onlineLevel', 'processingTime', 'fees',
    'components', 'applicantTypes', 'applicants', 'legalBasis', 'resultType', 'steps', 'methods', 'formSchema', 'workflow'],
  properties: {
    nationalCode: { type: 'string', pattern: '^[0-9]\\.[0-9]{6}$' },
    localSuffix: { type: 'string', pattern: '^[0-9A-Z]+(\\.[0-9A-Z]+)*$', maxLength: 40 },
    name: str(500),
    field: str(200),
    agencyLevel: { type: 'string', enum: ['province', 'department', 'commune'] },
    competentAgency: str(300),
    onlineLevel: { type: 'string', enum: ['full', 'partial', 'offline'] },
    minIdentityLevel: { type: 'integer', enum: [2] },
    processingTime: {
      type: 'object', additionalProperties: false, required: ['value', 'unit'],
      properties: { value: { type: 'number', exclusiveMinimum: 0, maximum: 3650 }, unit: { type: 'string', enum: ['working_days', 'working_hours', 'same_day'] },
        cutoff: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }, note: str(1000, 0) },
    },
    fees: {
      type: 'array', maxItems: 50,
      items: {
        type: 'object', additionalProperties: false, required: ['kind', 'name', 'amount'],
        properties: { kind: { type: 'string', enum: ['fee', 'charge'] }, name: str(300), amount: { type: ['integer', 'null'], minimum: 0, maximum: 1e12 }, note: str(1000, 0),
          per: { type: 'object', additionalProperties: false, required: ['field', 'unit'], properties: { field: str(100), unit: str(50) } } },
      },
    },
    components: {
      type: 'array', maxItems: 100,
      items: {
        type: 'object', additionalProperties: false, required: ['name', 'originals', 'copies', 'required'],
        properties: {
          name: str(1000), originals: { type: 'integer', minimum: 0, maximum: 100 }, copies: { type: 'integer', minimum: 0, maximum: 100 },
          templateName: str(500, 0), templateUrl: { type: 'string', maxLength: 1000, pattern: '^(https?://|/)' }, required: { type: 'boolean' },
        },
      },
    },
    applicantTypes: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: ['citizen', 'business', 'organization'] } },
    applicants: str(2000),
    legalBasis: { type: 'array', maxItems: 100, items: str(1000) },
    resultType: str(1000),
    steps: str(20000),
    methods: str(10000),
    requirements: str(10000, 0),
    formSchema: { type: 'object', additionalProperties: true, required: ['type'], properties: { type: { const: 'object' } } },
    workflow: {
      type: 'array', minItems: 1, maxItems: 30,
      items: {
        type: 'object', additionalProperties: false, required: ['key', 'name', 'role', 'hours'],
        properties: {
          key: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' }, name: str(200),
          role: { type: 'string', enum: ['counter_officer', 'specialist', 'unit_leader', 'agency_leader'] },
          hours: { type: 'number', exclusiveMinimum: 0, maximum: 29200 },
          transferTo: {
            type: 'object', additionalProperties: false, minProperties: 1,
            properties: { agencyLevel: { type: 'string', enum: ['province', 'department', 'commune'] }, agencyCode: { type: 'string', maxLength: 35 } },
          },
        },
      },
    },
  },
} as const;
