// The public transparency page (no login): the province's aggregated indicators, each with its definition, the
// ranking of agencies, the same as open data (CSV), and the commune map with each commune's on-time ratio.
import type { Queryable } from '../db/index.ts';
import { communeBoundaries } from '../geo/boundaries.ts';
import { breakdown, figuresBy, indicatorContext, type Figures } from './query.ts';

interface PublicFigure {
  key: string;
  name: string;
  value: number | null;
  unit: string;
  definition: string;
}

const FIGURES: { key: string; name: string; unit: string; definition: string; value: (f: Figures) => number | null }[] = [
  {
    key: 'received',
    name: 'Hồ sơ tiếp nhận',
    unit: 'hồ sơ',
    value: (f) => f.received.total,
    definition: 'Số hồ sơ được tiếp nhận trong kỳ (theo ngày tiếp nhận), mọi kênh: trực tuyến, trực tiếp, bưu chính.',
  },
  {
    key: 'receivedOnline',
    name: 'Hồ sơ tiếp nhận trực tuyến',
    unit: 'hồ sơ',
    value: (f) => f.received.online,
    definition: 'Số hồ sơ nộp qua Cổng dịch vụ công được tiếp nhận trong kỳ.',
  },
  {
    key: 'carriedOver',
    name: 'Hồ sơ kỳ trước chuyển sang',
    unit: 'hồ sơ',
    value: (f) => f.carriedOver,
    definition: 'Số hồ sơ đã tiếp nhận trước ngày đầu kỳ và chưa giải quyết xong vào ngày đó.',
  },
  {
    key: 'finishedEarly',
    name: 'Hồ sơ giải quyết trước hạn',
    unit: 'hồ sơ',
    value: (f) => f.finished.early,
    definition: 'Hồ sơ có kết quả trong kỳ vào một ngày trước ngày hẹn trả.',
  },
  {
    key: 'finishedOnTime',
    name: 'Hồ sơ giải quyết đúng hạn',
    unit: 'hồ sơ',
    value: (f) => f.finished.onTime,
    definition: 'Hồ sơ có kết quả trong kỳ đúng ngày hẹn trả, không muộn hơn giờ hẹn.',
  },
  {
    key: 'finishedLate',
    name: 'Hồ sơ giải quyết quá hạn',
    unit: 'hồ sơ',
    value: (f) => f.finished.late,
    definition:
      'Hồ sơ có kết quả trong kỳ sau thời điểm hẹn trả, hoặc đã bị yêu cầu bổ sung quá một lần. Thời gian chờ công dân bổ sung không tính vào thời hạn.',
  },
  {
    key: 'onTimeRatio',
    name: 'Tỷ lệ giải quyết đúng hạn',
    unit: '%',
    value: (f) => (f.onTimeRatio === null ? null : Math.round(f.onTimeRatio * 1000) / 10),
    definition:
      '(Hồ sơ giải quyết trước hạn, đúng hạn + hồ sơ chưa giải quyết còn trong hạn ở cuối kỳ) / (hồ sơ đã giải quyết được phân loại + hồ sơ chưa giải quyết ở cuối kỳ), theo cách tính của Cổng Dịch vụ công quốc gia (Quyết định 766/QĐ-TTg).',
  },
  {
    key: 'averageWorkingDays',
    name: 'Thời gian giải quyết bình quân',
    unit: 'ngày làm việc',
    value: (f) => f.averageWorkingDays,
    definition:
      'Bình quân thời gian làm việc từ khi tiếp nhận đến khi có kết quả, trừ thời gian chờ bổ sung và thực hiện nghĩa vụ tài chính, của các hồ sơ có kết quả trong kỳ.',
  },
  {
    key: 'supplementRequests',
    name: 'Yêu cầu bổ sung hồ sơ',
    unit: 'lần',
    value: (f) => f.supplementRequests,
    definition: 'Số phiếu yêu cầu bổ sung, hoàn thiện hồ sơ phát hành trong kỳ.',
  },
  {
    key: 'apologies',
    name: 'Phiếu xin lỗi và hẹn lại',
    unit: 'phiếu',
    value: (f) => f.apologies,
    definition: 'Số phiếu xin lỗi và hẹn lại ngày trả kết quả phát hành trong kỳ.',
  },
];

export async function publicStats(db: Queryable, from: string, to: string) {
  const ctx = await indicatorContext(db);
  const f = (await figuresBy(db, ctx, { from, to }, null)).get('')!;
  const figures: PublicFigure[] = FIGURES.map(({ value, ...d }) => ({ ...d, value: value(f) }));
  const ranking = (await breakdown(db, { from, to, by: 'agency' })).rows.map((r) => ({
    rank: r.rank,
    agencyId: r.key,
    name: r.name,
    received: r.received,
    finished: r.finished,
    onTimeRatio: r.onTimeRatio,
  }));
  return {
    period: { from, to },
    figures,
    ranking,
    rankingDefinition: 'Các cơ quan, UBND xã, phường xếp theo tỷ lệ giải quyết đúng hạn (cao trước), cùng tỷ lệ thì nhiều hồ sơ tiếp nhận hơn xếp trước.',
  };
}

/** The communes' boundaries with each commune's on-time ratio and received dossiers for the period. */
export async function communesMap(db: Queryable, from: string, to: string) {
  const rows = new Map((await breakdown(db, { from, to, by: 'commune' })).rows.map((r) => [r.key, r]));
  return {
    type: 'FeatureCollection',
    period: { from, to },
    features: communeBoundaries().features.map((f) => {
      const r = rows.get(f.properties.code);
      return { ...f, properties: { ...f.properties, onTimeRatio: r?.onTimeRatio ?? null, received: r?.received ?? 0 } };
    }),
  };
}
