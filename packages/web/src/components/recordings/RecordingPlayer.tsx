// The compliance player (SPEC §7): streams the audio through its temporary signed link (the server
// answers Range requests, so seeking does not download the rest), draws the waveform from the
// peaks the server precomputed, and offers the audio as stored and as WAV. It is shown only when the
// API handed out links, which it never does for administrators.
import { useTranslation } from 'react-i18next';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { fetchRecordingPeaks } from '../../api/recordings.api.js';
import { withViewerTimeZone } from '../../lib/download-link.js';
import { formatDuration } from '../../lib/recordings.js';
import { IconDownload, IconPause, IconPlay } from '../icons.js';
import { TranscriptPanel, type TranscriptSource } from './TranscriptPanel.js';
import { Waveform } from './Waveform.js';

interface RecordingPlayerProps {
  readonly recordingId: string;
  /** The signed link of `temporaryDirectDownloadLinks`. */
  readonly audioLink: string;
  /** From the catalogue; the audio element's own duration replaces it once known. */
  readonly durationSeconds: number;
  /** Whether to offer the download buttons (a user's access settings may allow playing only). */
  readonly allowDownload: boolean;
  /** The recording's transcript, shown under the controls and following the audio. */
  readonly transcript?: TranscriptSource | undefined;
  /** Start playing once mounted (the person pressed a Play button to open the player). */
  readonly autoPlay?: boolean;
}

function withFormat(link: string, format: 'wav'): string {
  const url = new URL(link, window.location.href);
  url.searchParams.set('format', format);
  return url.toString();
}

export function RecordingPlayer(props: RecordingPlayerProps): ReactNode {
  const { t } = useTranslation(['player', 'common']);
  const { recordingId, audioLink, allowDownload } = props;
  const audioRef = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [currentTime, setCurrentTime] = useState(0);
  const [duration, setDuration] = useState(props.durationSeconds);
  const [playError, setPlayError] = useState<string | null>(null);

  // Peaks are precomputed on the server: a call of any length draws at once.
  const peaks = useQuery({
    queryKey: ['recording-peaks', recordingId],
    queryFn: ({ signal }) => fetchRecordingPeaks(recordingId, signal),
    staleTime: Infinity,
    retry: false,
  });

  // While playing, follow the audio every frame so the waveform moves smoothly.
  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const follow = (): void => {
      const audio = audioRef.current;
      if (audio) setCurrentTime(audio.currentTime);
      frame = requestAnimationFrame(follow);
    };
    frame = requestAnimationFrame(follow);
    return () => cancelAnimationFrame(frame);
  }, [playing]);

  const togglePlay = (): void => {
    const audio = audioRef.current;
    if (!audio) return;
    if (audio.paused) {
      setPlayError(null);
      audio.play().catch((error: unknown) => {
        setPlayError(error instanceof Error ? error.message : t('playFailed'));
      });
    } else {
      audio.pause();
    }
  };

  // Once, on mount: the click that opened the player is the gesture browsers ask for before audio.
  const autoPlay = props.autoPlay === true;
  useEffect(() => {
    const audio = audioRef.current;
    if (!autoPlay || !audio) return;
    audio.play().catch((error: unknown) => {
      setPlayError(error instanceof Error ? error.message : 'The audio could not be played');
    });
  }, [autoPlay]);

  const seek = useCallback((time: number) => {
    const audio = audioRef.current;
    if (!audio) return;
    audio.currentTime = time;
    setCurrentTime(time);
  }, []);

  const onDuration = (): void => {
    const d = audioRef.current?.duration;
    if (d !== undefined && Number.isFinite(d) && d > 0) setDuration(d);
  };

  return (
    <Stack gap="sm" data-testid="recording-player">
      <audio
        ref={audioRef}
        src={audioLink}
        preload="metadata"
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => setPlaying(false)}
        onTimeUpdate={(event) => setCurrentTime(event.currentTarget.currentTime)}
        onLoadedMetadata={onDuration}
        onDurationChange={onDuration}
        onError={() => setPlayError(t('loadAudioFailed'))}
      />
      <Waveform
        peaks={peaks.data?.channels ?? null}
        currentTime={currentTime}
        duration={duration}
        onSeek={seek}
      />
      {peaks.error && (
        <Text size="xs" c="red">
          {t('waveformFailed', { message: peaks.error.message })}
        </Text>
      )}
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Group gap="sm">
          <Button
            onClick={togglePlay}
            leftSection={playing ? <IconPause size={16} /> : <IconPlay size={16} />}
            w={110}
          >
            {playing ? t('pause') : t('play')}
          </Button>
          <Text size="sm" ff="monospace" data-testid="player-time" aria-live="off">
            {formatDuration(currentTime)} / {formatDuration(duration)}
          </Text>
        </Group>
        {allowDownload && (
          <Group gap="xs">
            <Button
              component="a"
              href={withViewerTimeZone(audioLink)}
              download
              variant="default"
              size="sm"
              leftSection={<IconDownload size={16} />}
            >
              {t('downloadAudio')}
            </Button>
            <Button
              component="a"
              href={withViewerTimeZone(withFormat(audioLink, 'wav'))}
              download
              variant="default"
              size="sm"
              leftSection={<IconDownload size={16} />}
            >
              {t('downloadWav')}
            </Button>
          </Group>
        )}
      </Group>
      {playError !== null && (
        <Alert color="red" variant="light">
          {playError}
        </Alert>
      )}
      {props.transcript && (
        <TranscriptPanel
          recordingId={recordingId}
          source={props.transcript}
          currentTime={currentTime}
          onSeek={seek}
        />
      )}
    </Stack>
  );
}
