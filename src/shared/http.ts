// HTTP plumbing shared by every domain: the error envelope, Vietnamese validation messages, paging.
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

type AjvIssue = { keyword: string; instancePath: string; params: Record<string, any>; message?: string };

/** Vietnamese text for one JSON-schema validation failure. */
export function describeIssue(issue: AjvIssue): string {
  const p = issue.params;
  switch (issue.keyword) {
    case 'required': return `thiếu trường bắt buộc "${p.missingProperty}"`;
    case 'type': return `phải có kiểu ${({ string: 'chuỗi', integer: 'số nguyên', number: 'số', boolean: 'đúng/sai', object: 'đối tượng', array: 'danh sách' } as Record<string, string>)[p.type] ?? p.type}`;
    case 'minLength': return `phải có ít nhất ${p.limit} ký tự`;
    case 'maxLength': return `không được dài quá ${p.limit} ký tự`;
    case 'minimum': return `phải lớn hơn hoặc bằng ${p.limit}`;
    case 'maximum': return `phải nhỏ hơn hoặc bằng ${p.limit}`;
    case 'minItems': return `phải có ít nhất ${p.limit} phần tử`;
    case 'maxItems': return `không được quá ${p.limit} phần tử`;
    case 'enum': return `phải là một trong: ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'pattern': return 'không đúng định dạng';
    case 'format': return `không đúng định dạng ${p.format}`;
    case 'additionalProperties': return `có trường không được phép "${p.additionalProperty}"`;
    case 'uniqueItems': return 'có phần tử trùng lặp';
    case 'exclusiveMinimum': return `phải lớn hơn ${p.limit}`;
    case 'minProperties': return 'không được để trống';
    case 'const': return `phải bằng ${JSON.stringify(p.allowedValue)}`;
    default: return issue.message ?? 'không hợp lệ';
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
      const where = ({ body: 'Nội dung gửi lên', querystring: 'Tham số truy vấn', params: 'Tham số đường dẫn', headers: 'Tiêu đề' } as Record<string, string>)[fe.validationContext ?? ''] ?? 'Dữ liệu';
      return reply.status(400).send({
        code: 'VALIDATION_FAILED',
        message: `${where} không hợp lệ: ${fe.validation.map((v) => `${v.instancePath || fe.validationContext} ${describeIssue(v as AjvIssue)}`).join('; ')}.`,
        details: validationDetails(fe.validation as AjvIssue[], fe.validationContext ? `${fe.validationContext}` : ''),
      });
    }
    const status = fe.statusCode ?? 500;
    if (status === 429) {
      return reply.status(429).send({ code: 'TOO_MANY_REQUESTS', message: 'Quá nhiều yêu cầu, vui lòng thử lại sau.', details: null });
    }
    if (status >= 400 && status < 500) {
      const known: Record<string, [string, string]> = {
        FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'Kiểu nội dung không được hỗ trợ; hãy gửi JSON.'],
        FST_ERR_CTP_EMPTY_JSON_BODY: ['EMPTY_BODY', 'Nội dung gửi lên đang trống.'],
        FST_ERR_CTP_BODY_TOO_LARGE: ['BODY_TOO_LARGE', 'Nội dung gửi lên quá lớn.'],
        FST_ERR_CTP_INVALID_JSON_BODY: ['MALFORMED_JSON', 'Nội dung gửi lên không phải JSON hợp lệ.'],
      };
      const [code, message] = known[fe.code] ?? (fe.code === undefined && /JSON/.test(fe.message)
        ? ['MALFORMED_JSON', 'Nội dung gửi lên không phải JSON hợp lệ.']
        : ['BAD_REQUEST', 'Yêu cầu không hợp lệ.']);
      return reply.status(status).send({ code, message, details: null });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ code: 'INTERNAL_ERROR', message: 'Hệ thống gặp lỗi, vui lòng thử lại sau.', details: null });
  });
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
