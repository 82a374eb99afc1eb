// The call-recording page of one person, workspace or virtual line (SPEC §3.3): where it sits in
// Control Hub, and its form (EntityRecordingForm) once the settings have loaded.
import { Breadcrumbs, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchPerson, fetchVirtualLine, fetchWorkspace } from '../../../api/directory.api.js';
import type { RecordableKind } from '../../../api/recording-settings.api.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { RouterAnchor } from '../../../components/RouterLinks.js';
import { useCanEditSettings } from '../../../lib/use-can-edit-settings.js';
import { CallRecordingSettingsPage, QueryCard } from './CallRecordingSettingsPage.js';
import { EntityRecordingForm } from './EntityRecordingForm.js';
import { entityRecordingQuery } from './recording-queries.js';

const KIND_INFO = {
  person: {
    list: '/control-hub/people',
    listKey: 'people',
    load: async (id: string, signal: AbortSignal) => (await fetchPerson(id, signal)).displayName,
  },
  workspace: {
    list: '/control-hub/workspaces',
    listKey: 'workspaces',
    load: async (id: string, signal: AbortSignal) => (await fetchWorkspace(id, signal)).displayName,
  },
  virtualLine: {
    list: '/control-hub/virtual-lines',
    listKey: 'virtualLines',
    load: async (id: string, signal: AbortSignal) =>
      (await fetchVirtualLine(id, signal)).displayName,
  },
} as const satisfies Record<RecordableKind, unknown>;

export function EntityRecordingPage({
  kind,
  id,
}: {
  readonly kind: RecordableKind;
  readonly id: string;
}): ReactNode {
  const info = KIND_INFO[kind];
  const { t } = useTranslation(['callRecording', 'controlHub']);
  const canEdit = useCanEditSettings();
  const name = useQuery({
    queryKey: ['directory', kind, id],
    queryFn: ({ signal }) => info.load(id, signal),
  });
  const settings = useQuery(entityRecordingQuery(kind, id));
  const title = name.data ?? (name.isPending ? '…' : t(`entity.fallbackTitle.${kind}`));

  return (
    <CallRecordingSettingsPage
      canEdit={canEdit}
      header={
        <>
          <Breadcrumbs mb="sm" separator="›" fz="sm">
            <RouterAnchor to={info.list} size="sm">
              {t(`controlHub:${info.listKey}.title`)}
            </RouterAnchor>
            <Text size="sm" c="dimmed">
              {title}
            </Text>
          </Breadcrumbs>
          <PageHeader
            eyebrow={t('controlHub:callRecording')}
            title={title}
            description={t(`entity.description.${kind}`)}
          />
        </>
      }
    >
      <QueryCard query={settings} errorTitle={t('entity.loadFailed')} skeletonCount={2}>
        {(data) => <EntityRecordingForm kind={kind} id={id} settings={data} canEdit={canEdit} />}
      </QueryCard>
    </CallRecordingSettingsPage>
  );
}
