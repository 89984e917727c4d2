// The open datasets (dữ liệu mở): each is one or more tables read through the owning module's service functions,
// published as CSV and JSON with a Frictionless-style table schema. Nothing here reads another module's tables.
import type { Queryable } from '../db/index.ts';
import { publishedProcedureList } from '../catalog/service.ts';
import { publicFeedback } from '../feedback/service.ts';
import { vietnamDate } from '../shared/time.ts';
import { publicStats } from '../stats/public.ts';

type Cell = string | number | boolean | null;
/** A Table Schema field (https://specs.frictionlessdata.io/table-schema/), with its Vietnamese title. */
export interface Field {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'datetime';
  title: string;
}
export interface Table {
  /** The resource's name within the dataset (its files are {table}.csv, {table}.json, {table}.schema.json). */
  name: string;
  title: string;
  description: string;
  fields: Field[];
  rows: (db: Queryable) => Promise<Record<string, Cell>[]>;
}
export interface DatasetDefinition {
  name: string;
  title: string;
  notes: string;
  tags: string[];
  /** Tần suất cập nhật, as DCAT's accrualPeriodicity words. */
  frequency: string;
  tables: Table[];
}

const f = (name: string, type: Field['type'], title: string): Field => ({ name, type, title });
const year = () => Number(vietnamDate(new Date()).slice(0, 4));
const PAGE = 500;

/**
 * The datasets, in the portal's order. Published indicators (issue 16's indicator dictionary, src/reporting) join as
 * one more DatasetDefinition here, its table read through that module's service function.
 */
export const DATASETS: DatasetDefinition[] = [
  {
    name: 'thu-tuc-hanh-chinh',
    title: 'Danh mục thủ tục hành chính',
    notes:
      'Các thủ tục hành chính đang công bố trên Cổng dịch vụ công của tỉnh: mã, tên, lĩnh vực, cấp và cơ quan thực hiện, mức độ trực tuyến, thời hạn giải quyết, có thu phí hay không.',
    tags: ['thủ tục hành chính', 'dịch vụ công'],
    frequency: 'daily',
    tables: [
      {
        name: 'thu-tuc',
        title: 'Thủ tục hành chính đang công bố',
        description: 'Mỗi dòng một thủ tục theo phiên bản đang công bố.',
        fields: [
          f('code', 'string', 'Mã thủ tục'),
          f('name', 'string', 'Tên thủ tục'),
          f('field', 'string', 'Lĩnh vực'),
          f('agency_level', 'string', 'Cấp thực hiện (province, department, commune)'),
          f('competent_agency', 'string', 'Cơ quan thực hiện'),
          f('online_level', 'string', 'Mức độ trực tuyến (full: toàn trình, partial: một phần, offline: trực tiếp)'),
          f('processing_time', 'number', 'Thời hạn giải quyết'),
          f('processing_unit', 'string', 'Đơn vị thời hạn (working_days, working_hours, same_day)'),
          f('free', 'boolean', 'Không thu phí, lệ phí'),
        ],
        rows: async (db) =>
          (await publishedProcedureList(db)).map((p) => ({
            code: p.code,
            name: p.name,
            field: p.field,
            agency_level: p.agencyLevel,
            competent_agency: p.competentAgency,
            online_level: p.onlineLevel,
            processing_time: p.processingTime.value,
            processing_unit: p.processingTime.unit,
            free: p.free,
          })),
      },
    ],
  },
  {
    name: 'thong-ke-dich-vu-cong',
    title: 'Thống kê giải quyết thủ tục hành chính',
    notes:
      'Các chỉ số giải quyết thủ tục hành chính của tỉnh từ đầu năm đến nay (như trang Công khai kết quả), mỗi chỉ số kèm định nghĩa, và xếp hạng các cơ quan theo tỷ lệ đúng hạn.',
    tags: ['thống kê', 'dịch vụ công', 'Quyết định 766/QĐ-TTg'],
    frequency: 'daily',
    tables: [
      {
        name: 'chi-so',
        title: 'Chỉ số của tỉnh từ đầu năm',
        description: 'Mỗi dòng một chỉ số; giá trị trống là chưa có số liệu (không phải 0).',
        fields: [
          f('period_from', 'date', 'Từ ngày'),
          f('period_to', 'date', 'Đến ngày'),
          f('key', 'string', 'Mã chỉ số'),
          f('name', 'string', 'Tên chỉ số'),
          f('value', 'number', 'Giá trị'),
          f('unit', 'string', 'Đơn vị'),
          f('definition', 'string', 'Định nghĩa'),
        ],
        rows: async (db) => {
          const s = await publicStats(db, `${year()}-01-01`, `${year()}-12-31`);
          return s.figures.map((x) => ({
            period_from: s.period.from,
            period_to: s.period.to,
            key: x.key,
            name: x.name,
            value: x.value,
            unit: x.unit,
            definition: x.definition,
          }));
        },
      },
      {
        name: 'xep-hang',
        title: 'Xếp hạng cơ quan từ đầu năm',
        description: 'Các cơ quan, UBND xã, phường xếp theo tỷ lệ giải quyết đúng hạn (cao trước), cùng tỷ lệ thì nhiều hồ sơ tiếp nhận hơn xếp trước.',
        fields: [
          f('rank', 'integer', 'Hạng'),
          f('agency', 'string', 'Cơ quan'),
          f('received', 'integer', 'Hồ sơ tiếp nhận'),
          f('finished', 'integer', 'Hồ sơ đã giải quyết'),
          f('on_time_ratio', 'number', 'Tỷ lệ đúng hạn (0–1)'),
        ],
        rows: async (db) =>
          (await publicStats(db, `${year()}-01-01`, `${year()}-12-31`)).ranking.map((r) => ({
            rank: r.rank,
            agency: r.name,
            received: r.received,
            finished: r.finished,
            on_time_ratio: r.onTimeRatio,
          })),
      },
    ],
  },
  {
    name: 'phan-anh-kien-nghi',
    title: 'Phản ánh, kiến nghị đã trả lời công khai',
    notes:
      'Các phản ánh, kiến nghị của người dân đã được trả lời và công khai: mã, tiêu đề, lĩnh vực, xã/phường, cơ quan trả lời, nội dung trả lời, ngày công khai và đánh giá. Không có thông tin người phản ánh, địa chỉ hay tọa độ.',
    tags: ['phản ánh kiến nghị', 'công khai'],
    frequency: 'daily',
    tables: [
      {
        name: 'phan-anh',
        title: 'Phản ánh, kiến nghị đã công khai',
        description: 'Mỗi dòng một phản ánh đã công khai, mới nhất trước.',
        fields: [
          f('code', 'string', 'Mã phản ánh'),
          f('title', 'string', 'Tiêu đề'),
          f('category', 'string', 'Lĩnh vực'),
          f('commune_code', 'string', 'Mã xã, phường'),
          f('status', 'string', 'Trạng thái'),
          f('agency', 'string', 'Cơ quan trả lời'),
          f('answer', 'string', 'Nội dung trả lời'),
          f('published_at', 'datetime', 'Thời điểm công khai'),
          f('rating', 'string', 'Đánh giá của người phản ánh'),
        ],
        rows: async (db) => {
          const out: Record<string, Cell>[] = [];
          for (let page = 1; ; page++) {
            const { total, items } = await publicFeedback(db, { page, pageSize: PAGE });
            for (const c of items)
              out.push({
                code: c.code,
                title: c.title,
                category: c.category.name,
                commune_code: c.location.communeCode,
                status: c.statusName,
                agency: c.agencyName,
                answer: c.answer,
                published_at: c.publishedAt,
                rating: c.rating,
              });
            if (page * PAGE >= total) return out;
          }
        },
      },
    ],
  },
];
