// One recording opened from a list: what it is (recovered or partly failed, why it ended), the
// player when the API handed out audio links, and the call's metadata beside it. Used by the
// Recordings page and by User Hub.
import { useTranslation } from 'react-i18next';
import { Alert, Badge, Drawer, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { fetchRecordingDetails, fetchRecordingMetadata } from '../../api/recordings.api.js';
import type { RecordingStatus } from '@callvault/shared';
import { formatBytes, formatDuration, formatRecordedTime } from '../../lib/recordings.js';
import { ErrorAlert } from '../ErrorAlert.js';
import { RecordingMetadataPanel } from './RecordingMetadataPanel.js';
import { ProvenanceBadges, ProvenanceNote } from './ProvenanceBadges.js';
import { RecordingPlayer } from './RecordingPlayer.js';
import { StatusBadge } from './StatusBadge.js';
import { RecordingShares } from '../sharing/RecordingShares.js';
import type { TranscriptFocus } from './TranscriptPanel.js';
import { displayTopic } from '../../lib/recording-topic.js';

export interface OpenedRecording {
  readonly id: string;
  readonly topic: string;
  readonly timeRecorded: string;
  readonly durationSeconds: number;
  readonly status: RecordingStatus;
  readonly ownerName?: string | undefined;
  /** Opened from a search inside transcripts: the player starts at the matching line. */
  readonly transcriptFocus?: TranscriptFocus | undefined;
  /** Opened with a Play button: playing starts once the player has loaded. */
  readonly autoPlay?: boolean | undefined;
}

interface RecordingDrawerProps {
  readonly recording: OpenedRecording | null;
  readonly onClose: () => void;
  /** Whether to offer downloads when links are given (User Hub follows the access settings). */
  readonly allowDownload: boolean;
  /** Why there is no player when the API gave no links, in the reader's terms. */
  readonly noAudioReason: string;
  /** Show who the recording is shared with, with Revoke (owners, administrators, compliance). */
  readonly showShares?: boolean;
  /** The owner's Share button, shown beside the recording's badges. */
  readonly shareAction?: ReactNode;
}

/** Links stay valid for 3 hours; asking again only writes another audit event. */
const DETAILS_STALE_MS = 60 * 60 * 1000;

export function RecordingDrawer(props: RecordingDrawerProps): ReactNode {
  const { t } = useTranslation(['player', 'recordings', 'common']);
  const { recording, onClose } = props;
  return (
    <Drawer
      opened={recording !== null}
      onClose={onClose}
      position="right"
      size={640}
      title={
        recording && (
          <Stack gap={2}>
            <Title order={2} fz="lg">
              {displayTopic(recording)}
            </Title>
            <Text size="sm" c="dimmed">
              {[recording.ownerName, formatRecordedTime(recording.timeRecorded)]
                .filter((part) => part !== undefined)
                .join(' · ')}
            </Text>
          </Stack>
        )
      }
      closeButtonProps={{ 'aria-label': t('close') }}
    >
      {recording && <RecordingDrawerBody key={recording.id} {...props} recording={recording} />}
    </Drawer>
  );
}

function RecordingDrawerBody(
  props: RecordingDrawerProps & { readonly recording: OpenedRecording },
): ReactNode {
  const { t } = useTranslation(['player', 'recordings', 'common']);
  const { recording, allowDownload, noAudioReason } = props;
  const details = useQuery({
    queryKey: ['recording-details', recording.id],
    queryFn: ({ signal }) => fetchRecordingDetails(recording.id, signal),
    staleTime: DETAILS_STALE_MS,
  });
  const metadata = useQuery({
    queryKey: ['recording-metadata', recording.id],
    queryFn: ({ signal }) => fetchRecordingMetadata(recording.id, signal),
  });

  const links = details.data?.temporaryDirectDownloadLinks;
  // A recording shared without download comes with links to listen only.
  const playback = details.data?.temporaryPlaybackLinks;
  const audio = links
    ? { audioLink: links.audioDownloadLink, transcriptLink: links.transcriptDownloadLink }
    : playback
      ? { audioLink: playback.audioPlaybackLink, transcriptLink: playback.transcriptLink }
      : null;
  return (
    <Stack gap="lg">
      <Group gap="xs">
        <StatusBadge status={recording.status} />
        <Badge variant="outline" color="gray" radius="sm" tt="none">
          {formatDuration(recording.durationSeconds)}
        </Badge>
        {details.data && (
          <Badge variant="outline" color="gray" radius="sm" tt="none">
            {details.data.format} · {formatBytes(details.data.sizeBytes)}
          </Badge>
        )}
        {details.data && <ProvenanceBadges provenance={details.data} />}
        {props.shareAction}
      </Group>
      {details.data && <ProvenanceNote provenance={details.data} />}

      {details.error ? (
        <ErrorAlert
          title={t('loadFailed')}
          error={details.error}
          onRetry={() => void details.refetch()}
        />
      ) : details.isPending ? (
        <Skeleton height={140} radius="md" />
      ) : audio ? (
        <RecordingPlayer
          recordingId={recording.id}
          audioLink={audio.audioLink}
          durationSeconds={details.data.durationSeconds}
          allowDownload={allowDownload && links !== undefined}
          autoPlay={recording.autoPlay === true}
          transcript={{
            link: audio.transcriptLink,
            status: details.data.transcriptStatus,
            reason: details.data.transcriptReason,
            focus: recording.transcriptFocus,
          }}
        />
      ) : (
        <Alert variant="light" color="gray" data-testid="no-audio-access">
          {recording.status === 'purged' ? t('recordings:noAudio.purged') : noAudioReason}
        </Alert>
      )}

      {props.showShares === true && recording.status !== 'purged' && (
        <RecordingShares recordingId={recording.id} topic={displayTopic(recording)} />
      )}

      {metadata.error ? (
        <ErrorAlert
          title={t('metadataFailed')}
          error={metadata.error}
          onRetry={() => void metadata.refetch()}
        />
      ) : metadata.isPending ? (
        <Skeleton height={200} radius="md" />
      ) : (
        <RecordingMetadataPanel metadata={metadata.data} />
      )}
    </Stack>
  );
}
