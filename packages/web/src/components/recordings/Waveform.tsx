// The player's waveform on a <canvas>: one lane per channel (each party of the call is its own
// channel), the played part in the accent colour, and a click or the arrow keys to seek.
import { useTranslation } from 'react-i18next';
import { Box } from '@mantine/core';
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { formatDuration, seekTimeAt } from '../../lib/recordings.js';

interface WaveformProps {
  /** Channel × bucket, each 0–1 (precomputed on the server); null while they load. */
  readonly peaks: readonly (readonly number[])[] | null;
  readonly currentTime: number;
  readonly duration: number;
  readonly onSeek: (time: number) => void;
  readonly height?: number;
}

const PLAYED = '#4263eb';
const UNPLAYED = '#adb5bd';
const LANE_GAP = 6;
const BAR = 2;
const BAR_GAP = 1;
/** What one arrow key press moves, in seconds. */
const KEY_STEP = 5;

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
  const { t } = useTranslation(['player', 'common']);
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

  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>): void => {
    const step = { ArrowLeft: -KEY_STEP, ArrowRight: KEY_STEP }[event.key];
    if (step !== undefined) {
      event.preventDefault();
      onSeek(Math.min(duration, Math.max(0, currentTime + step)));
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      onSeek(event.key === 'Home' ? 0 : duration);
    }
  };

  return (
    <Box pos="relative">
      <canvas
        ref={canvasRef}
        data-testid="waveform"
        role="slider"
        tabIndex={0}
        aria-label={t('position')}
        aria-valuemin={0}
        aria-valuemax={Math.round(duration)}
        aria-valuenow={Math.round(currentTime)}
        aria-valuetext={t('positionText', {
          current: formatDuration(currentTime),
          total: formatDuration(duration),
        })}
        aria-busy={peaks === null}
        onClick={(event) => {
          const rect = event.currentTarget.getBoundingClientRect();
          onSeek(seekTimeAt(event.clientX - rect.left, rect.width, duration));
        }}
        onKeyDown={onKeyDown}
        style={{ display: 'block', width: '100%', height, cursor: 'pointer' }}
      />
    </Box>
  );
}
