// The audit log (SPEC §1, §9.2): filter by action, actor, target and time, newest first, 100 at a
// time continued by scrolling; export the filtered events as CSV; verify the hash chain as
// `callvault audit verify` does and show the result.
import type { AuditEventDto, AuditVerificationDto } from '@callvault/shared';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Code,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  auditExportPath,
  listAuditEvents,
  verifyAuditChain,
  type AuditFilter,
} from '../../api/compliance.api.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { PageHeader } from '../../components/PageHeader.js';
import { IconAlert, IconCheck, IconDownload } from '../../components/icons.js';
import { endOfLocalDay, formatDateTime, startOfLocalDay } from '../../lib/compliance-format.js';
import { describeError } from '../../lib/error-messages.js';
import { useLoadMoreOnScroll } from '../../lib/use-load-more-on-scroll.js';
import { usePageTitle } from '../../lib/use-page-title.js';

interface FilterFields {
  action: string;
  actorId: string;
  targetId: string;
  from: string;
  to: string;
}

const EMPTY: FilterFields = { action: '', actorId: '', targetId: '', from: '', to: '' };

function toFilter(f: FilterFields): AuditFilter {
  const out: { -readonly [K in keyof AuditFilter]: AuditFilter[K] } = {};
  if (f.action.trim() !== '') out.action = f.action.trim();
  if (f.actorId.trim() !== '') out.actorId = f.actorId.trim();
  if (f.targetId.trim() !== '') out.targetId = f.targetId.trim();
  const from = startOfLocalDay(f.from);
  const to = endOfLocalDay(f.to);
  if (from !== undefined) out.from = from;
  if (to !== undefined) out.to = to;
  return out;
}

export function AuditLogPage({
  initialTargetId,
}: {
  readonly initialTargetId?: string | undefined;
}): ReactNode {
  const { t, i18n } = useTranslation('compliance');
  const lang = i18n.resolvedLanguage ?? 'en';
  usePageTitle(t('audit.title'));
  const [fields, setFields] = useState<FilterFields>(
    initialTargetId ? { ...EMPTY, targetId: initialTargetId } : EMPTY,
  );
  const [settled] = useDebouncedValue(fields, 300);
  const filter = useMemo(() => toFilter(settled), [settled]);
  const set = (name: keyof FilterFields) => (value: string) =>
    setFields((f) => ({ ...f, [name]: value }));

  const events = useInfiniteQuery({
    queryKey: ['audit', filter],
    queryFn: ({ pageParam, signal }) => listAuditEvents(filter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextPath,
    placeholderData: keepPreviousData,
  });
  const rows = useMemo(() => events.data?.pages.flatMap((p) => p.body.items) ?? [], [events.data]);
  const endRef = useRef<HTMLDivElement>(null);
  useLoadMoreOnScroll(endRef, {
    hasNextPage: events.hasNextPage,
    isFetchingNextPage: events.isFetchingNextPage,
    isError: events.isError,
    rowCount: rows.length,
    fetchNextPage: events.fetchNextPage,
  });

  const verify = useMutation({ mutationFn: verifyAuditChain });

  return (
    <>
      <PageHeader
        eyebrow={t('eyebrow')}
        title={t('audit.title')}
        description={t('audit.description')}
      />
      {/* Below the header rather than beside it, so both actions stay on screen at 390 px. */}
      <Group gap="xs" wrap="wrap" mb="md">
        <Button
          component="a"
          href={auditExportPath(filter)}
          download
          variant="default"
          leftSection={<IconDownload size={16} />}
        >
          {t('audit.export')}
        </Button>
        <Button
          onClick={() => verify.mutate()}
          loading={verify.isPending}
          leftSection={<IconCheck size={16} />}
        >
          {t('audit.verify')}
        </Button>
      </Group>

      <VerificationResult
        result={verify.data ?? null}
        error={verify.error}
        pending={verify.isPending}
        lang={lang}
      />
      <Card withBorder radius="md" padding={0}>
        <Stack gap="sm" p="md" role="search" aria-label={t('audit.filters')}>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="sm">
            <TextInput
              label={t('audit.action')}
              placeholder={t('audit.actionPlaceholder')}
              value={fields.action}
              onChange={(e) => set('action')(e.currentTarget.value)}
            />
            <TextInput
              label={t('audit.actor')}
              placeholder={t('audit.actorPlaceholder')}
              value={fields.actorId}
              onChange={(e) => set('actorId')(e.currentTarget.value)}
            />
            <TextInput
              label={t('audit.target')}
              placeholder={t('audit.targetPlaceholder')}
              value={fields.targetId}
              onChange={(e) => set('targetId')(e.currentTarget.value)}
            />
            <TextInput
              type="date"
              label={t('audit.from')}
              value={fields.from}
              onChange={(e) => set('from')(e.currentTarget.value)}
            />
            <TextInput
              type="date"
              label={t('audit.to')}
              value={fields.to}
              onChange={(e) => set('to')(e.currentTarget.value)}
            />
          </SimpleGrid>
          {fields !== EMPTY && (
            <Group>
              <Button variant="subtle" size="compact-sm" onClick={() => setFields(EMPTY)}>
                {t('audit.clear')}
              </Button>
            </Group>
          )}
        </Stack>
        {events.error && !events.data ? (
          <ErrorAlert
            title={t('audit.loadFailed')}
            error={events.error}
            onRetry={() => void events.refetch()}
          />
        ) : events.isPending ? (
          <Group p="md">
            <Loader size="sm" />
          </Group>
        ) : rows.length === 0 ? (
          <EmptyState icon={<IconAlert size={28} />} title={t('audit.empty')}>
            {null}
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped highlightOnHover verticalSpacing="xs" data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('audit.col.time')}</Table.Th>
                  <Table.Th>{t('audit.col.action')}</Table.Th>
                  <Table.Th>{t('audit.col.actor')}</Table.Th>
                  <Table.Th>{t('audit.col.target')}</Table.Th>
                  <Table.Th>{t('audit.col.details')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((e) => (
                  <AuditRow
                    key={e.id}
                    event={e}
                    lang={lang}
                    onFilter={(name, value) => set(name)(value)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Group justify="space-between" p="md" ref={endRef}>
          <Text size="sm" c="dimmed" aria-live="polite" data-testid="audit-count">
            {t('audit.count', { count: rows.length })}
            {events.hasNextPage ? ` ${t('audit.moreBelow')}` : ''}
          </Text>
          {events.isFetchingNextPage && (
            <Loader size="sm" role="status" aria-label={t('audit.loadingMore')} />
          )}
          {events.error && events.data && (
            <Button
              variant="subtle"
              color="red"
              size="xs"
              onClick={() => void events.fetchNextPage()}
            >
              {t('audit.retryMore')}
            </Button>
          )}
        </Group>
      </Card>
    </>
  );
}

function AuditRow({
  event,
  lang,
  onFilter,
}: {
  readonly event: AuditEventDto;
  readonly lang: string;
  readonly onFilter: (name: 'action' | 'actorId' | 'targetId', value: string) => void;
}): ReactNode {
  const { t } = useTranslation('compliance');
  const filterLink = (name: 'action' | 'actorId' | 'targetId', value: string | null) =>
    value === null ? (
      <Text size="sm" c="dimmed">
        {name === 'actorId' ? t('audit.system') : '—'}
      </Text>
    ) : (
      <Anchor
        component="button"
        type="button"
        size="sm"
        onClick={() => onFilter(name, value)}
        title={t('audit.filterBy', { value })}
        style={{ wordBreak: 'break-all', textAlign: 'left' }}
      >
        {value}
      </Anchor>
    );
  return (
    <Table.Tr data-testid="audit-row" data-seq={event.seq}>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">{formatDateTime(event.created, lang)}</Text>
      </Table.Td>
      <Table.Td>{filterLink('action', event.action)}</Table.Td>
      <Table.Td maw={220}>{filterLink('actorId', event.actorId)}</Table.Td>
      <Table.Td maw={220}>
        {event.targetType !== null && (
          <Text size="xs" c="dimmed">
            {event.targetType}
          </Text>
        )}
        {filterLink('targetId', event.targetId)}
      </Table.Td>
      <Table.Td maw={360}>
        <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>
          {JSON.stringify(event.details)}
        </Code>
      </Table.Td>
    </Table.Tr>
  );
}

function VerificationResult({
  result,
  error,
  pending,
  lang,
}: {
  readonly result: AuditVerificationDto | null;
  readonly error: Error | null;
  readonly pending: boolean;
  readonly lang: string;
}): ReactNode {
  const { t } = useTranslation('compliance');
  if (pending) {
    return (
      <Alert color="gray" variant="light" mb="md" role="status" data-testid="chain-result">
        {t('audit.verifying')}
      </Alert>
    );
  }
  if (error) {
    return (
      <Alert color="red" variant="light" mb="md" title={t('audit.verifyFailed')} role="alert">
        {describeError(error)}
      </Alert>
    );
  }
  if (!result) return null;
  return result.intact ? (
    <Alert
      color="green"
      variant="light"
      mb="md"
      icon={<IconCheck />}
      role="status"
      data-testid="chain-result"
      data-intact="true"
    >
      {t('audit.intact', { count: result.events })}{' '}
      <Text span size="sm" c="dimmed">
        {t('audit.checkedAt', { when: formatDateTime(result.checked, lang) })}
      </Text>
    </Alert>
  ) : (
    <Alert
      color="red"
      variant="light"
      mb="md"
      icon={<IconAlert />}
      role="alert"
      data-testid="chain-result"
      data-intact="false"
    >
      {t('audit.broken', {
        seq: result.firstBroken?.seq ?? result.events + 1,
        reason: result.firstBroken?.reason ?? '',
      })}
      {result.firstBroken?.id && (
        <Text size="sm">{t('audit.brokenId', { id: result.firstBroken.id })}</Text>
      )}
    </Alert>
  );
}
