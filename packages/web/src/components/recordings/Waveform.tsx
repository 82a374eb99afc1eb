// The player's waveform on a <canvas>: one lane per channel (each party of the call is its own
// channel), the played part in the accent colour, and a click or the keys of an ARIA slider to seek
// (arrows 5 s, Page Up/Down 30 s, Home/End). Each lane carries a visible label, and the slider
// describes the lanes and keys to a screen reader.
import { Box, Text } from '@mantine/core';
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDuration, seekTimeAt } from '../../lib/recordings.js';

interface WaveformProps {
  /** Channel × bucket, each 0–1 (precomputed on the server); null while they load. */
  readonly peaks: readonly (readonly number[])[] | null;
  readonly currentTime: number;
  readonly duration: number;
  readonly onSeek: (time: number) => void;
  readonly height?: number;
  /** What each lane is, top to bottom (the parties of the call); "Channel n" when not given. */
  readonly laneLabels?: readonly string[];
}

const PLAYED = '#4263eb';
const UNPLAYED = '#adb5bd';
const LANE_GAP = 6;
const BAR = 2;
const BAR_GAP = 1;
/** What one arrow key press moves, in seconds. */
const KEY_STEP = 5;
/** What Page Up / Page Down move, in seconds. */
const PAGE_STEP = 30;

/** Where a key press on the slider moves the position to, or null for keys it does not use. */
export function seekTargetForKey(
  key: string,
  currentTime: number,
  duration: number,
): number | null {
  const steps: Readonly<Record<string, number>> = {
    ArrowLeft: -KEY_STEP,
    ArrowDown: -KEY_STEP,
    ArrowRight: KEY_STEP,
    ArrowUp: KEY_STEP,
    PageDown: -PAGE_STEP,
    PageUp: PAGE_STEP,
  };
  if (key === 'Home') return 0;
  if (key === 'End') return duration;
  const step = steps[key];
  if (step === undefined) return null;
  return Math.min(duration, Math.max(0, currentTime + step));
}

function drawWaveform(
  canvas: HTMLCanvasElement,
  peaks: readonly (readonly number[])[] | null,
  progress: number,
): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const lanes = peaks && peaks.length > 0 ? peaks : [[]];
  const laneHeight = (height - LANE_GAP * (lanes.length - 1)) / lanes.length;
  const bars = Math.max(1, Math.floor(width / (BAR + BAR_GAP)));
  const playedX = progress * width;
  lanes.forEach((lane, index) => {
    const middle = index * (laneHeight + LANE_GAP) + laneHeight / 2;
    for (let b = 0; b < bars; b++) {
      const x = b * (BAR + BAR_GAP);
      // Before the peaks arrive, a flat line shows where the waveform will be.
      const peak = lane.length === 0 ? 0 : (lane[Math.floor((b / bars) * lane.length)] ?? 0);
      const half = Math.max(0.5, (peak * laneHeight) / 2);
      ctx.fillStyle = x < playedX ? PLAYED : UNPLAYED;
      ctx.fillRect(x, middle - half, BAR, half * 2);
    }
  });
  ctx.fillStyle = '#212529';
  ctx.fillRect(Math.min(width - 1, playedX), 0, 1, height);
}

export function Waveform(props: WaveformProps): ReactNode {
  const { peaks, currentTime, duration, onSeek, height = 96 } = props;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const progress = duration > 0 ? Math.min(1, currentTime / duration) : 0;

  // Redraw on every position change (each frame while playing) without re-observing the size.
  const latest = useRef({ peaks, progress });
  latest.current = { peaks, progress };
  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas) drawWaveform(canvas, peaks, progress);
  }, [peaks, progress]);
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const observer = new ResizeObserver(() =>
      drawWaveform(canvas, latest.current.peaks, latest.current.progress),
    );
    observer.observe(canvas);
    return () => observer.disconnect();
  }, []);

  const { t } = useTranslation('a11y');
  const describedBy = useId();
  const laneCount = peaks && peaks.length > 0 ? peaks.length : 0;
  const lanes = Array.from(
    { length: laneCount },
    (_, i) => props.laneLabels?.[i] ?? t('waveform.lane', { number: i + 1 }),
  );

  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>): void => {
    const target = seekTargetForKey(event.key, currentTime, duration);
    if (target === null) return;
    event.preventDefault();
    onSeek(target);
  };

  return (
    <Box pos="relative">
      <canvas
        ref={canvasRef}
        data-testid="waveform"
        role="slider"
        tabIndex={0}
        aria-label={t('waveform.label')}
        aria-describedby={describedBy}
        aria-orientation="horizontal"
        aria-valuemin={0}
        aria-valuemax={Math.round(duration)}
        aria-valuenow={Math.round(currentTime)}
        aria-valuetext={t('waveform.valueText', {
          position: formatDuration(currentTime),
          duration: formatDuration(duration),
        })}
        aria-busy={peaks === null}
        onClick={(event) => {
          const rect = event.currentTarget.getBoundingClientRect();
          onSeek(seekTimeAt(event.clientX - rect.left, rect.width, duration));
        }}
        onKeyDown={onKeyDown}
        style={{ display: 'block', width: '100%', height, cursor: 'pointer' }}
      />
      {/* Lane labels, drawn over the top left of each lane; the canvas still takes the clicks. */}
      {lanes.map((label, index) => (
        <Text
          key={index}
          size="xs"
          fw={600}
          c="dark.7"
          bg="rgba(255, 255, 255, 0.9)"
          px={4}
          data-testid="waveform-lane-label"
          aria-hidden="true"
          style={{
            position: 'absolute',
            left: 4,
            top: `calc(${index} * (${height}px + ${LANE_GAP}px) / ${lanes.length})`,
            pointerEvents: 'none',
            borderRadius: 4,
          }}
        >
          {label}
        </Text>
      ))}
      <span id={describedBy} style={VISUALLY_HIDDEN}>
        {lanes.length > 0 ? `${t('waveform.lanes', { lanes: lanes.join(', ') })} ` : ''}
        {t('waveform.keys')}
      </span>
    </Box>
  );
}

const VISUALLY_HIDDEN = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
} as const;
