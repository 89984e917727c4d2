// HTTP plumbing shared by every domain: the error envelope, Vietnamese validation messages, paging.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import { textProblem } from './text.ts';

type AjvIssue = { keyword: string; instancePath: string; params: Record<string, any>; message?: string };

/** Vietnamese text for one JSON-schema validation failure. */
export function describeIssue(issue: AjvIssue): string {
  const p = issue.params;
  switch (issue.keyword) {
    case 'required':
      return `thiếu trường bắt buộc "${p.missingProperty}"`;
    case 'type':
      return `phải có kiểu ${({ string: 'chuỗi', integer: 'số nguyên', number: 'số', boolean: 'đúng/sai', object: 'đối tượng', array: 'danh sách' } as Record<string, string>)[p.type] ?? p.type}`;
    case 'minLength':
      return `phải có ít nhất ${p.limit} ký tự`;
    case 'maxLength':
      return `không được dài quá ${p.limit} ký tự`;
    case 'minimum':
      return `phải lớn hơn hoặc bằng ${p.limit}`;
    case 'maximum':
      return `phải nhỏ hơn hoặc bằng ${p.limit}`;
    case 'minItems':
      return `phải có ít nhất ${p.limit} phần tử`;
    case 'maxItems':
      return `không được quá ${p.limit} phần tử`;
    case 'enum':
      return `phải là một trong: ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
      return 'không đúng định dạng';
    case 'format':
      return `không đúng định dạng ${p.format}`;
    case 'additionalProperties':
      return `có trường không được phép "${p.additionalProperty}"`;
    case 'uniqueItems':
      return 'có phần tử trùng lặp';
    case 'exclusiveMinimum':
      return `phải lớn hơn ${p.limit}`;
    case 'minProperties':
      return 'không được để trống';
    case 'const':
      return `phải bằng ${JSON.stringify(p.allowedValue)}`;
    default:
      return issue.message ?? 'không hợp lệ';
  }
}

export function validationDetails(issues: AjvIssue[], prefix = '') {
  return issues.map((i) => ({ path: prefix + (i.instancePath || '/'), message: describeIssue(i) }));
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) {
      return reply.status(err.statusCode).send({ code: err.code, message: err.message, details: err.details ?? null });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const where =
        ({ body: 'Nội dung gửi lên', querystring: 'Tham số truy vấn', params: 'Tham số đường dẫn', headers: 'Tiêu đề' } as Record<string, string>)[
          fe.validationContext ?? ''
        ] ?? 'Dữ liệu';
      return reply.status(400).send({
        code: 'VALIDATION_FAILED',
        message: `${where} không hợp lệ: ${fe.validation.map((v) => `${v.instancePath || fe.validationContext} ${describeIssue(v as AjvIssue)}`).join('; ')}.`,
        details: validationDetails(fe.validation as AjvIssue[], fe.validationContext ? `${fe.validationContext}` : ''),
      });
    }
    const known = fastifyError(fe);
    if (known) return reply.status(known.statusCode).send({ code: known.code, message: known.message, details: null });
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ code: 'INTERNAL_ERROR', message: 'Hệ thống gặp lỗi, vui lòng thử lại sau.', details: null });
  });
}

// Errors Fastify and its plugins raise themselves, with the status and the code a client sees.
const FASTIFY_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'Kiểu nội dung không được hỗ trợ; hãy gửi JSON.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'Độ dài nội dung (Content-Length) không khớp với nội dung gửi lên.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'EMPTY_BODY', 'Nội dung gửi lên đang trống.'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'BODY_TOO_LARGE', 'Nội dung gửi lên quá lớn.'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'MALFORMED_JSON', 'Nội dung gửi lên không phải JSON hợp lệ.'],
  FST_ERR_BAD_URL: [400, 'BAD_URL', 'Địa chỉ yêu cầu không hợp lệ (mã hóa phần trăm sai).'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'PARAMETER_TOO_LONG', 'Tham số đường dẫn quá dài.'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'BAD_REQUEST', 'Yêu cầu không hợp lệ.'],
};

/** The envelope for an error Fastify raised, or null for an unexpected error (a 500). */
export function fastifyError(fe: FastifyError): AppError | null {
  const known = FASTIFY_ERRORS[fe.code];
  if (known) return new AppError(...known);
  const status = fe.statusCode ?? 500;
  if (status === 429) return new AppError(429, 'TOO_MANY_REQUESTS', 'Quá nhiều yêu cầu, vui lòng thử lại sau.');
  if (status >= 400 && status < 500) {
    return fe.code === undefined && /JSON/.test(fe.message)
      ? new AppError(400, 'MALFORMED_JSON', 'Nội dung gửi lên không phải JSON hợp lệ.')
      : new AppError(status, 'BAD_REQUEST', 'Yêu cầu không hợp lệ.');
  }
  return null;
}

/** Fastify's `frameworkErrors`: errors found while routing (bad URL encoding, a path parameter too long), in the envelope. */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply) {
  const e = fastifyError(err) ?? new AppError(400, 'BAD_REQUEST', 'Yêu cầu không hợp lệ.');
  return reply.status(e.statusCode).send({ code: e.code, message: e.message, details: null });
}

const invalidText = (where: string, path: string, problem: string) =>
  new AppError(400, 'VALIDATION_FAILED', `${where} không hợp lệ: ${path} ${problem}.`, [{ path, message: problem }]);

/** Nesting deeper than this is refused: no form needs it, and deeper JSON would overflow recursive code further on. */
const MAX_DEPTH = 32;

/** The first string (value or key) of a JSON value that breaks the text rule, walked without recursion. */
function findTextProblem(root: unknown): { path: string; problem: string } | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: root, path: '', depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v, true);
      if (problem) return { path: path || '/', problem };
    } else if (v && typeof v === 'object') {
      if (depth >= MAX_DEPTH) return { path: path || '/', problem: `lồng nhau quá ${MAX_DEPTH} cấp` };
      for (const [k, x] of Object.entries(v)) {
        const problem = textProblem(k);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (the text rule refuses them)
        if (problem) return { path: `${path}/${k.replace(/\p{Cs}|[\u0000-\u001f]/gu, '?')}`, problem: `có tên trường ${problem}` };
        stack.push({ v: x, path: `${path}/${k}`, depth: depth + 1 });
      }
    }
  }
  return null;
}

/**
 * The one text rule for every route (see shared/text.ts: textProblem): the URL once decoded, every header, every
 * cookie, and every string and key of a JSON body; multipart file names are checked where they are read.
 * Only body strings may span lines.
 */
export function registerTextRule(app: FastifyInstance) {
  app.addHook('onRequest', async (req) => {
    let url: string;
    try {
      url = decodeURIComponent(req.url.replaceAll('+', ' '));
    } catch {
      throw new AppError(...FASTIFY_ERRORS.FST_ERR_BAD_URL);
    }
    const urlProblem = textProblem(url);
    if (urlProblem) throw invalidText('Địa chỉ yêu cầu', 'url', urlProblem);
    for (const [name, value] of Object.entries(req.headers)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        // Header values are Latin-1 octets, so only C0 controls (tab excepted) and lone surrogates are refused.
        const problem = typeof v === 'string' ? textProblem(v.replaceAll(/[\t\u0080-\u00ff]/g, ' ')) : null;
        if (problem) throw invalidText('Tiêu đề', `headers/${name}`, problem);
      }
    }
    for (const [name, v] of Object.entries(req.cookies ?? {})) {
      const problem = typeof v === 'string' ? textProblem(v) : null;
      if (problem) throw invalidText('Cookie', `cookies/${name}`, problem);
    }
  });
  app.addHook('preValidation', async (req) => {
    const found = findTextProblem(req.body);
    if (found) throw invalidText('Nội dung gửi lên', `body${found.path}`, found.problem);
  });
}

export interface ReceivedFile {
  filename: string;
  mimetype: string;
  content: Buffer;
}

/**
 * The files of a multipart/form-data request, in the order sent, all in the part named `field`. Too many or too
 * large files (each at most `maxBytes`, together at most `maxTotalBytes`: what is held in memory stops there) answer
 * 413; anything else wrong with the multipart body (no boundary, cut short, bad part headers) 400
 * MALFORMED_MULTIPART; file names follow the text rule.
 */
export async function readFiles(
  req: FastifyRequest,
  opts: { field: string; maxFiles: number; maxBytes: number; maxTotalBytes?: number },
): Promise<ReceivedFile[]> {
  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
  const maxTotal = opts.maxTotalBytes ?? opts.maxFiles * opts.maxBytes;
  let total = 0;
  if (!req.isMultipart()) throw new AppError(415, 'MULTIPART_REQUIRED', `Hãy gửi tệp dưới dạng multipart/form-data, trường "${opts.field}".`);
  const files: ReceivedFile[] = [];
  try {
    for await (const part of req.files({ limits: { files: opts.maxFiles, parts: opts.maxFiles, fields: 0, fileSize: opts.maxBytes } })) {
      if (part.fieldname !== opts.field) throw new AppError(400, 'FILE_REQUIRED', `Mỗi tệp phải nằm trong trường "${opts.field}".`);
      const problem = textProblem(part.filename);
      if (problem) throw invalidText('Tên tệp', `files/${files.length}/filename`, problem);
      const chunks: Buffer[] = [];
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > maxTotal) throw new AppError(413, 'FILE_TOO_LARGE', `Các tệp gửi một lần tối đa ${mb(maxTotal)}.`);
        chunks.push(chunk);
      }
      if (part.file.truncated) throw new AppError(413, 'FILE_TOO_LARGE', `Mỗi tệp tối đa ${mb(opts.maxBytes)}.`);
      files.push({ filename: part.filename, mimetype: part.mimetype, content: Buffer.concat(chunks) });
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(413, 'FILE_TOO_LARGE', `Mỗi tệp tối đa ${mb(opts.maxBytes)}.`);
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw new AppError(413, 'TOO_MANY_PARTS', `Gửi tối đa ${opts.maxFiles} tệp trong trường "${opts.field}", không kèm trường khác.`);
    }
    throw new AppError(400, 'MALFORMED_MULTIPART', 'Nội dung multipart/form-data không hợp lệ (thiếu ranh giới, bị cắt cụt hoặc sai tiêu đề phần).');
  }
  if (!files.length) throw new AppError(400, 'FILE_REQUIRED', `Thiếu tệp (trường "${opts.field}").`);
  return files;
}

export const routeNotFound = { code: 'NOT_FOUND', message: 'Không tìm thấy địa chỉ yêu cầu.', details: null };

/** Reusable query-string fragment for paged lists. */
export const pagingQuery = {
  page: { type: 'integer', minimum: 1, maximum: 10000, default: 1 },
  pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
} as const;

export const uuidParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

export const errorResponses = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
  409: { $ref: 'Error#' },
} as const;
