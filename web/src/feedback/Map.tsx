// The feedback map on the province's commune boundaries (the operations centre's map, GET /api/v1/public/geo/boundaries):
// published cases as points coloured by their public status, or the one pin a reporter places by tapping. Loaded on
// demand with ECharts (through FeedbackMap in parts.tsx), so the portal's bundle does not carry it.
import { useEffect, useMemo, useRef, useState } from 'react';
import { type Boundaries, Chart, type ChartOption, type MapView, registerCommuneMap } from '../chart/Chart.tsx';
import { Link } from '../router.tsx';
import { ErrorMessage, Loading, useFetch } from '../ui.tsx';
import { type FeedbackMapProps, PUBLIC_STATUSES, publicStatus } from './parts.tsx';

/** Zoom (times the whole province) when the map moves to a pin: the phone's position, a case's place. */
const PLACE_ZOOM = 10;
const PIN_COLOUR = '#c62828';

export default function FeedbackMap({ points, pin, onPlace, label }: FeedbackMapProps) {
  const boundaries = useFetch<Boundaries>('/api/v1/public/geo/boundaries');
  const [selected, setSelected] = useState<string | null>(null);
  // The view the map opens on; a tap keeps the view the reader has dragged or pinched to, a new pin from elsewhere moves it.
  const [view, setView] = useState<MapView>(() => (pin ? { center: [pin.long, pin.lat], zoom: PLACE_ZOOM } : {}));
  const placed = useRef<string | null>(null);
  const pinKey = pin ? `${pin.lat},${pin.long}` : null;
  useEffect(() => {
    if (pin && pinKey !== placed.current) setView({ center: [pin.long, pin.lat], zoom: PLACE_ZOOM });
    placed.current = pinKey;
  }, [pin, pinKey]);

  // Not the callback itself: a parent's new function on each keystroke would redraw the map and lose the reader's view.
  const placing = onPlace !== undefined;
  const option = useMemo((): ChartOption | null => {
    if (!boundaries.data) return null;
    return {
      animation: false,
      geo: {
        map: registerCommuneMap(boundaries.data),
        roam: true,
        scaleLimit: { min: 1, max: 80 },
        top: 8,
        bottom: 8,
        left: 8,
        right: 8,
        // Near the equator a degree of longitude is nearly a degree of latitude (ECharts' default 0.75 is for mid-latitudes).
        aspectScale: 0.98,
        preserveAspect: 'contain', // the box is the limit, the province keeps its shape
        ...view,
        silent: !placing,
        itemStyle: { areaColor: '#eef2f6', borderColor: '#9aa9b8', borderWidth: 0.6 },
        emphasis: { disabled: true },
        select: { disabled: true },
        label: { show: false },
      },
      series: [
        ...(points
          ? [
              {
                id: 'cases',
                type: 'scatter',
                coordinateSystem: 'geo',
                symbolSize: 14,
                itemStyle: { borderColor: '#fff', borderWidth: 1.5, opacity: 1 },
                emphasis: { scale: 1.3 },
                data: points.map((p) => ({ name: p.code, value: [p.long, p.lat], itemStyle: { color: PUBLIC_STATUSES[publicStatus(p.status)].colour } })),
              },
            ]
          : []),
        ...(pin
          ? [
              {
                id: 'pin',
                type: 'scatter',
                coordinateSystem: 'geo',
                symbol: 'pin',
                symbolSize: 36,
                symbolOffset: [0, '-50%'], // the pin's tip on the place
                silent: true,
                itemStyle: { color: PIN_COLOUR },
                data: [[pin.long, pin.lat]],
              },
            ]
          : []),
      ],
    };
  }, [boundaries.data, points, pin, view, placing]);

  const chosen = selected ? points?.find((p) => p.code === selected) : undefined;
  if (boundaries.error) return <ErrorMessage error={boundaries.error} />;
  return (
    <div className="feedback-map">
      {option ? (
        <Chart
          option={option}
          label={label}
          className="feedback-map-canvas"
          onClick={points ? (e) => e.seriesId === 'cases' && setSelected(e.name) : undefined}
          onMapClick={
            onPlace
              ? ([long, lat], current) => {
                  setView(current);
                  placed.current = `${lat},${long}`;
                  onPlace(lat, long);
                }
              : undefined
          }
        />
      ) : (
        <Loading label="Đang tải bản đồ…" />
      )}
      {chosen && (
        <div className="feedback-map-popup" role="status">
          <p>
            <strong>{chosen.code}</strong> · {PUBLIC_STATUSES[publicStatus(chosen.status)].name}
          </p>
          <p>
            <Link to={`/phan-anh/${chosen.code}`}>{chosen.title}</Link>
          </p>
          <button type="button" className="btn btn-small" onClick={() => setSelected(null)}>
            Đóng
          </button>
        </div>
      )}
      {points && (
        <ul className="feedback-map-legend" aria-label="Chú giải bản đồ">
          {Object.entries(PUBLIC_STATUSES).map(([key, s]) => (
            <li key={key}>
              <span className="feedback-map-swatch" style={{ background: s.colour }} aria-hidden="true" /> {s.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
