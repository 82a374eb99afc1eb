// The transcript beside the player (SPEC §7, §8): every line with its time and speaker,
// the line being spoken lit as the audio plays and kept in view, a click on a line seeks the audio
// to its start, and a search box that jumps between the lines holding the words. The transcript
// comes through the details' signed transcript link, so it follows the same rules as the audio:
// administrators never get one, users only as their access settings allow.
import { useTranslation } from 'react-i18next';
import {
  Alert,
  Box,
  Button,
  Group,
  Skeleton,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { fetchTranscriptDocument } from '../../api/recordings.api.js';
import { formatDuration } from '../../lib/recordings.js';
import {
  activeSegmentIndex,
  findHits,
  markMatches,
  searchTerms,
  speakerNameOf,
  stepHit,
  type TranscriptDocument,
} from '../../lib/transcript.js';
import { IconSearch } from '../icons.js';

/** What the details say about the recording's transcript. */
export interface TranscriptSource {
  /** The signed link of `temporaryDirectDownloadLinks`; null when there is no transcript file. */
  readonly link: string | null;
  readonly status?: 'completed' | 'skipped' | 'pending' | undefined;
  /** Why there is no transcript (a non-English call, transcripts off for the owner, …). */
  readonly reason?: string | undefined;
  /** Opened from a search inside transcripts: start at the match, with the words searched for. */
  readonly focus?: TranscriptFocus | undefined;
}

export interface TranscriptFocus {
  /** Where the matching line starts, in seconds. */
  readonly start: number;
  readonly query: string;
}

interface TranscriptPanelProps {
  readonly recordingId: string;
  readonly source: TranscriptSource;
  /** The audio element's position, in seconds. */
  readonly currentTime: number;
  readonly onSeek: (time: number) => void;
}

/** Speaker colours by channel: the same party keeps its colour through the call. */
/** Each speaker's colour: the theme's readable text shade of each palette (4.5:1 or better). */
const SPEAKER_COLORS = [
  'var(--mantine-color-indigo-text)',
  'var(--mantine-color-teal-text)',
  'var(--mantine-color-grape-text)',
  'var(--mantine-color-orange-text)',
] as const;
const LIST_HEIGHT = 300;

export function TranscriptPanel(props: TranscriptPanelProps): ReactNode {
  const { t } = useTranslation(['player', 'common']);
  const { source } = props;
  if (source.link === null) {
    if (source.status === 'skipped') {
      return (
        <Text size="sm" c="dimmed" data-testid="transcript-missing">
          {source.reason
            ? t('transcript.noneWhy', { reason: source.reason })
            : t('transcript.none')}
        </Text>
      );
    }
    if (source.status === 'pending') {
      return (
        <Text size="sm" c="dimmed" data-testid="transcript-missing">
          {t('transcript.pending')}
        </Text>
      );
    }
    return null;
  }
  return <LoadedTranscript {...props} link={source.link} />;
}

function LoadedTranscript(props: TranscriptPanelProps & { readonly link: string }): ReactNode {
  const { t } = useTranslation(['player', 'common']);
  const { recordingId, link } = props;
  const transcript = useQuery({
    // The link changes with every details request; the transcript does not.
    queryKey: ['recording-transcript', recordingId],
    queryFn: ({ signal }) => fetchTranscriptDocument(link, signal),
    staleTime: Infinity,
    retry: false,
  });
  if (transcript.error) {
    return (
      <Alert color="red" variant="light" title={t('transcript.failed')}>
        {transcript.error.message}
      </Alert>
    );
  }
  if (transcript.isPending) return <Skeleton height={LIST_HEIGHT / 2} radius="md" />;
  return <TranscriptView {...props} document={transcript.data} />;
}

function TranscriptView(
  props: TranscriptPanelProps & { readonly document: TranscriptDocument },
): ReactNode {
  const { t } = useTranslation(['player', 'common']);
  const { document, currentTime, onSeek } = props;
  const { segments } = document;
  const focus = props.source.focus;
  const { t: ta } = useTranslation('a11y');
  const [query, setQuery] = useState(focus?.query ?? '');
  const [settledQuery] = useDebouncedValue(query, 150);
  const terms = useMemo(() => searchTerms(settledQuery), [settledQuery]);
  const hits = useMemo(() => findHits(segments, terms), [segments, terms]);
  const [hit, setHit] = useState<number | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const active = activeSegmentIndex(segments, currentTime);
  const channelOf = useMemo(
    () => new Map(document.speakers.map((s) => [s.participant, s.channel])),
    [document.speakers],
  );

  // A new search starts before its first hit.
  useEffect(() => setHit(null), [terms]);

  // Opened from a search inside transcripts: the audio starts at the matching line, marked as the
  // current hit. Once, when the transcript has loaded.
  const focused = useRef(false);
  useEffect(() => {
    if (!focus || focused.current) return;
    focused.current = true;
    const at = hits.findIndex((line) => segments[line]?.start === focus.start);
    if (at >= 0) setHit(at);
    onSeek(focus.start);
  }, [focus, hits, segments, onSeek]);

  const scrollToLine = (index: number): void => {
    const list = listRef.current;
    const line = list?.querySelector<HTMLElement>(`[data-line="${index}"]`);
    if (!list || !line) return;
    // The list is the lines' offset parent (position: relative).
    const top = line.offsetTop;
    const bottom = top + line.offsetHeight;
    if (top < list.scrollTop || bottom > list.scrollTop + list.clientHeight) {
      list.scrollTo({ top: Math.max(0, top - list.clientHeight / 3) });
    }
  };

  // Keep the line being spoken in view as the audio plays.
  useEffect(() => {
    if (active >= 0) scrollToLine(active);
  }, [active]);

  const jump = (direction: 1 | -1): void => {
    const next = stepHit(hits, hit, direction, Math.max(0, active));
    if (next === null) return;
    setHit(next);
    const line = hits[next];
    const segment = line !== undefined ? segments[line] : undefined;
    if (line === undefined || !segment) return;
    scrollToLine(line);
    onSeek(segment.start);
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    jump(event.shiftKey ? -1 : 1);
  };

  const hitLine = hit !== null ? hits[hit] : undefined;
  const searching = terms.length > 0;

  return (
    <Stack gap="xs" data-testid="transcript">
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Text fw={600} size="sm">
          {t('transcript.title')}
        </Text>
        <Group gap="xs" wrap="wrap">
          <TextInput
            size="xs"
            type="search"
            aria-label={t('transcript.search')}
            placeholder={t('transcript.search')}
            leftSection={<IconSearch size={14} />}
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={onSearchKey}
            w={200}
          />
          <Text size="xs" c="dimmed" miw={64} aria-live="polite" data-testid="transcript-hits">
            {!searching
              ? ''
              : hits.length === 0
                ? t('transcript.noMatches')
                : hit === null
                  ? t('transcript.matches', { count: hits.length })
                  : t('transcript.hitOf', { hit: hit + 1, count: hits.length })}
          </Text>
          <Button
            size="compact-xs"
            variant="default"
            disabled={hits.length === 0}
            onClick={() => jump(-1)}
            aria-label={t('transcript.previous')}
          >
            ↑
          </Button>
          <Button
            size="compact-xs"
            variant="default"
            disabled={hits.length === 0}
            onClick={() => jump(1)}
            aria-label={t('transcript.next')}
          >
            ↓
          </Button>
        </Group>
      </Group>
      <Text size="xs" c="dimmed" data-testid="transcript-machine-made">
        {ta('transcript.machineMade')}
      </Text>
      {segments.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('transcript.empty')}
        </Text>
      ) : (
        <Box
          ref={listRef}
          mah={LIST_HEIGHT}
          style={{ overflowY: 'auto', position: 'relative' }}
          role="list"
          aria-label={t('transcript.lines')}
        >
          {segments.map((segment, index) => {
            const isActive = index === active;
            const isHit = index === hitLine;
            const channel = channelOf.get(segment.speaker) ?? 0;
            return (
              <UnstyledButton
                key={index}
                role="listitem"
                data-line={index}
                data-testid="transcript-line"
                aria-current={isActive ? 'true' : undefined}
                onClick={() => onSeek(segment.start)}
                title={t('transcript.playFrom', { time: formatDuration(segment.start) })}
                display="block"
                w="100%"
                px="xs"
                py={4}
                bg={isActive ? 'indigo.0' : isHit ? 'yellow.0' : undefined}
                style={{
                  borderRadius: 4,
                  borderLeft: `3px solid ${isActive ? 'var(--mantine-color-indigo-6)' : 'transparent'}`,
                }}
              >
                <Group gap="xs" wrap="nowrap" align="baseline">
                  <Text size="xs" ff="monospace" c="dimmed" miw={40}>
                    {formatDuration(segment.start)}
                  </Text>
                  <Text
                    size="xs"
                    fw={600}
                    c={SPEAKER_COLORS[channel % SPEAKER_COLORS.length]}
                    miw={90}
                    maw={140}
                    truncate
                  >
                    {speakerNameOf(document, segment.speaker)}
                  </Text>
                  <Text size="sm" style={{ flex: 1 }}>
                    {markMatches(segment.text, terms).map((part, i) =>
                      part.match ? <mark key={i}>{part.text}</mark> : part.text,
                    )}
                  </Text>
                </Group>
              </UnstyledButton>
            );
          })}
        </Box>
      )}
    </Stack>
  );
}
