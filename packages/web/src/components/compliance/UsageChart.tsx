// The usage history as a small SVG area chart: bytes stored at the end of each day against the
// quota (a dashed line). Days with no record (before history began) are left out of the area.
import type { UsageHistory } from '@callvault/shared';
import type { ReactNode } from 'react';
import { formatStorage } from '../../lib/compliance-format.js';

const W = 720;
const H = 200;
const PAD = { top: 12, right: 8, bottom: 22, left: 8 };

export function UsageChart(props: {
  readonly history: UsageHistory;
  readonly label: string;
  readonly quotaLabel: string;
  readonly lang: string;
}): ReactNode {
  const { days, quotaBytes } = props.history;
  const known = days.filter((d) => d.bytesUsed !== null);
  const max = Math.max(quotaBytes, ...known.map((d) => d.bytesUsed ?? 0), 1);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) =>
    PAD.left + (days.length <= 1 ? innerW : (i / (days.length - 1)) * innerW);
  const y = (bytes: number) => PAD.top + innerH - (bytes / max) * innerH;
  const firstKnown = days.findIndex((d) => d.bytesUsed !== null);
  const points = days
    .map((d, i) =>
      d.bytesUsed === null ? null : `${x(i).toFixed(1)},${y(d.bytesUsed).toFixed(1)}`,
    )
    .filter((p): p is string => p !== null);
  const area =
    firstKnown < 0
      ? ''
      : `M${x(firstKnown).toFixed(1)},${y(0)} L${points.join(' L')} L${x(days.length - 1).toFixed(1)},${y(0)} Z`;
  const first = days[0];
  const last = days[days.length - 1];
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label={props.label}
      data-testid="usage-chart"
      style={{ display: 'block', maxHeight: 220 }}
      preserveAspectRatio="none"
    >
      <title>{props.label}</title>
      <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="#ced4da" />
      {area !== '' && (
        <>
          <path d={area} fill="rgba(76, 110, 245, 0.18)" />
          <polyline
            points={points.join(' ')}
            fill="none"
            stroke="#4c6ef5"
            strokeWidth={2}
            vectorEffect="non-scaling-stroke"
          />
        </>
      )}
      <line
        x1={PAD.left}
        x2={W - PAD.right}
        y1={y(quotaBytes)}
        y2={y(quotaBytes)}
        stroke="#fa5252"
        strokeDasharray="6 4"
        vectorEffect="non-scaling-stroke"
      />
      <text x={W - PAD.right} y={y(quotaBytes) - 4} textAnchor="end" fontSize={11} fill="#c92a2a">
        {props.quotaLabel} {formatStorage(quotaBytes, props.lang)}
      </text>
      {first && (
        <text x={PAD.left} y={H - 6} fontSize={11} fill="#868e96">
          {first.day}
        </text>
      )}
      {last && (
        <text x={W - PAD.right} y={H - 6} fontSize={11} fill="#868e96" textAnchor="end">
          {last.day}
        </text>
      )}
    </svg>
  );
}
