import { Card } from '@mantine/core';
import type { ReactNode } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { PageHeader } from '../components/PageHeader.js';
import { IconRecordings } from '../components/icons.js';

/** Search and review of the org's recordings (SPEC §7); the list arrives with the recording API. */
export function RecordingsPage(): ReactNode {
  return (
    <>
      <PageHeader
        title="Recordings"
        description="Search every recording of your organisation by owner, date, number or transcript words."
      />
      <Card withBorder radius="md">
        <EmptyState icon={<IconRecordings size={28} />} title="No recordings yet">
          Calls appear here once your call system forks them to Callvault over SIPREC and a
          recording policy applies to one of the parties. Set up a recording trunk and turn on
          recording for people, workspaces or virtual lines in Control Hub.
        </EmptyState>
      </Card>
    </>
  );
}
