// Control Hub → Directory: create, edit and delete people, workspaces, virtual lines, locations and
// call features; assign a person's roles and set their console password; import people from CSV.
// A read-only administrator sees the same tables without the buttons that change anything; the
// server refuses such changes anyway.
import {
  Badge,
  Button,
  Group,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import {
  CALL_FEATURE_KINDS,
  type CallFeature,
  type CallFeatureCreate,
  type CallFeatureKind,
  type Location,
  type Person,
  type PersonCreate,
  type VirtualLine,
  type VirtualLineCreate,
  type Workspace,
  type WorkspaceCreate,
} from '@callvault/shared';
import {
  keepPreviousData,
  useInfiniteQuery,
  useQuery,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/react-query';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../api/client.js';
import {
  createCallFeature,
  createLocation,
  createPerson,
  createVirtualLine,
  createWorkspace,
  deleteCallFeature,
  deleteLocation,
  deletePerson,
  deleteVirtualLine,
  deleteWorkspace,
  listCallFeatures,
  updateCallFeature,
  updateLocation,
  updatePerson,
  updateVirtualLine,
  updateWorkspace,
} from '../../../api/directory-admin.api.js';
import {
  listPeople,
  listVirtualLines,
  listWorkspaces,
  type DirectoryFilter,
} from '../../../api/directory.api.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { IconPlus } from '../../../components/icons.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { useToast } from '../../../components/Toaster.js';
import { useCanEditSettings } from '../../../lib/use-can-edit-settings.js';
import { usePageTitle } from '../../../lib/use-page-title.js';
import { useLocations } from '../../../lib/use-locations.js';
import { DeleteModal } from './DeleteModal.js';
import {
  CALL_FEATURE_FORM,
  LOCATION_FORM,
  PERSON_FORM,
  VIRTUAL_LINE_FORM,
  WORKSPACE_FORM,
  type EntityForm,
} from './entity-forms.js';
import { EntityFormModal, languageName } from './EntityFormModal.js';
import { PasswordModal } from './PasswordModal.js';
import { PeopleImport } from './PeopleImport.js';

/** Everything a change may touch is reloaded: these lists and the read-only pages' caches. */
function useRefresh(): () => Promise<void> {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries();
}

type Tab = 'people' | 'workspaces' | 'virtualLines' | 'locations' | 'callFeatures' | 'import';
const TABS: readonly Tab[] = [
  'people',
  'workspaces',
  'virtualLines',
  'locations',
  'callFeatures',
  'import',
];

export function DirectoryAdminPage(): ReactNode {
  const { t } = useTranslation('directory');
  usePageTitle(t('page.title'));
  const [tab, setTab] = useState<Tab>('people');
  return (
    <>
      <PageHeader
        eyebrow="Control Hub"
        title={t('page.title')}
        description={t('page.description')}
      />
      <Tabs value={tab} onChange={(next) => setTab((next as Tab | null) ?? 'people')}>
        <ScrollArea type="auto" offsetScrollbars viewportProps={{ tabIndex: 0 }}>
          <Tabs.List style={{ flexWrap: 'nowrap' }}>
            {TABS.map((name) => (
              <Tabs.Tab key={name} value={name}>
                {t(`tab.${name}`)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </ScrollArea>
        <Tabs.Panel value="people" pt="md">
          {tab === 'people' && <PeopleTab />}
        </Tabs.Panel>
        <Tabs.Panel value="workspaces" pt="md">
          {tab === 'workspaces' && <WorkspacesTab />}
        </Tabs.Panel>
        <Tabs.Panel value="virtualLines" pt="md">
          {tab === 'virtualLines' && <VirtualLinesTab />}
        </Tabs.Panel>
        <Tabs.Panel value="locations" pt="md">
          {tab === 'locations' && <LocationsTab />}
        </Tabs.Panel>
        <Tabs.Panel value="callFeatures" pt="md">
          {tab === 'callFeatures' && <CallFeaturesTab />}
        </Tabs.Panel>
        <Tabs.Panel value="import" pt="md">
          {tab === 'import' && <PeopleImport />}
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

// A table with edit and delete per row ----------------------------------------------------------

interface Column<E> {
  readonly header: string;
  readonly cell: (row: E) => ReactNode;
}

interface AdminTableProps<E> {
  readonly caption: string;
  readonly rows: readonly E[];
  readonly columns: readonly Column<E>[];
  readonly keyOf: (row: E) => string;
  readonly nameOf: (row: E) => string;
  readonly isPending: boolean;
  readonly error: Error | null;
  readonly onEdit: ((row: E) => void) | null;
  readonly onDelete: ((row: E) => void) | null;
  readonly extraActions?: (row: E) => ReactNode;
  readonly more?: { readonly has: boolean; readonly loading: boolean; readonly load: () => void };
}

function AdminTable<E>(props: AdminTableProps<E>): ReactNode {
  const { t } = useTranslation('directory');
  if (props.error) return <ErrorAlert title={t('list.notLoaded')} error={props.error} />;
  const showActions = props.onEdit !== null || props.onDelete !== null || props.extraActions;
  return (
    <Stack gap="sm">
      <ScrollArea type="auto" viewportProps={{ tabIndex: 0 }}>
        <Table striped highlightOnHover aria-busy={props.isPending} miw={640}>
          <Table.Caption>{props.caption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              {props.columns.map((c) => (
                <Table.Th key={c.header}>{c.header}</Table.Th>
              ))}
              {showActions && <Table.Th>{t('list.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {!props.isPending && props.rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={props.columns.length + 1}>
                  <Text c="dimmed" size="sm">
                    {t('list.empty')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {props.rows.map((row) => (
              <Table.Tr key={props.keyOf(row)}>
                {props.columns.map((c) => (
                  <Table.Td key={c.header}>{c.cell(row)}</Table.Td>
                ))}
                {showActions && (
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      {props.onEdit && (
                        <Button
                          size="compact-sm"
                          variant="default"
                          aria-label={t('action.editNamed', { name: props.nameOf(row) })}
                          onClick={() => props.onEdit?.(row)}
                        >
                          {t('action.edit')}
                        </Button>
                      )}
                      {props.extraActions?.(row)}
                      {props.onDelete && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          aria-label={t('action.deleteNamed', { name: props.nameOf(row) })}
                          onClick={() => props.onDelete?.(row)}
                        >
                          {t('action.delete')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      {props.more?.has && (
        <Button
          variant="default"
          onClick={props.more.load}
          loading={props.more.loading}
          style={{ alignSelf: 'center' }}
        >
          {t('list.more')}
        </Button>
      )}
    </Stack>
  );
}

/** Pages of a `/v1` list with a display-name search, newest filter first. */
function usePagedList<Body, E>(
  name: string,
  term: string,
  fetchPage: (
    filter: DirectoryFilter,
    next: string | null,
    signal: AbortSignal,
  ) => Promise<Page<Body>>,
  rowsOf: (body: Body) => readonly E[],
) {
  const [settled] = useDebouncedValue(term.trim(), 250);
  const query = useInfiniteQuery<
    Page<Body>,
    Error,
    InfiniteData<Page<Body>>,
    readonly unknown[],
    string | null
  >({
    queryKey: ['directoryAdmin', name, settled],
    queryFn: ({ pageParam, signal }) =>
      fetchPage({ displayName: settled === '' ? undefined : settled }, pageParam, signal),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextPath ?? undefined,
    placeholderData: keepPreviousData,
  });
  return {
    rows: (query.data?.pages ?? []).flatMap((p) => rowsOf(p.body)),
    isPending: query.isPending,
    error: query.error,
    more: {
      has: query.hasNextPage,
      loading: query.isFetchingNextPage,
      load: () => void query.fetchNextPage(),
    },
  };
}

type Editing<E> =
  { readonly mode: 'create' } | { readonly mode: 'edit'; readonly entity: E } | null;

interface CrudProps<E> {
  readonly noun: string;
  readonly form: EntityForm<E>;
  readonly create: (body: Record<string, unknown>) => Promise<unknown>;
  readonly update: (entity: E, body: Record<string, unknown>) => Promise<unknown>;
  readonly remove: (entity: E) => Promise<unknown>;
  readonly nameOf: (entity: E) => string;
}

/** The add button, and the form and delete modals of one entity type. */
function useCrud<E>(props: CrudProps<E>) {
  const { t } = useTranslation('directory');
  const toast = useToast();
  const refresh = useRefresh();
  const canEdit = useCanEditSettings();
  const [editing, setEditing] = useState<Editing<E>>(null);
  const [deleting, setDeleting] = useState<E | null>(null);

  const addButton = canEdit ? (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ mode: 'create' })}>
      {t('action.add', { noun: props.noun })}
    </Button>
  ) : null;

  const modals = (
    <>
      {editing && (
        <EntityFormModal
          title={
            editing.mode === 'create'
              ? t('action.add', { noun: props.noun })
              : t('action.editNamed', { name: props.nameOf(editing.entity) })
          }
          form={props.form}
          entity={editing.mode === 'edit' ? editing.entity : null}
          submitLabel={editing.mode === 'create' ? t('action.create') : t('action.save')}
          onSubmit={(body) =>
            editing.mode === 'create' ? props.create(body) : props.update(editing.entity, body)
          }
          onDone={() => {
            toast({ title: editing.mode === 'create' ? t('toast.created') : t('toast.saved') });
            setEditing(null);
            void refresh();
          }}
          onClose={() => setEditing(null)}
        />
      )}
      {deleting !== null && (
        <DeleteModal
          name={props.nameOf(deleting)}
          onConfirm={() => props.remove(deleting)}
          onDone={() => {
            toast({ title: t('toast.deleted'), message: props.nameOf(deleting) });
            setDeleting(null);
            void refresh();
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
  return {
    canEdit,
    addButton,
    modals,
    onEdit: canEdit ? (e: E) => setEditing({ mode: 'edit', entity: e }) : null,
    onDelete: canEdit ? (e: E) => setDeleting(e) : null,
  };
}

function Toolbar(props: {
  readonly term?: string;
  readonly onTerm?: (term: string) => void;
  readonly children?: ReactNode;
}): ReactNode {
  const { t } = useTranslation('directory');
  return (
    <Group justify="space-between" mb="sm" gap="sm">
      {props.onTerm ? (
        <TextInput
          aria-label={t('list.search')}
          placeholder={t('list.searchPlaceholder')}
          value={props.term}
          onChange={(e) => props.onTerm?.(e.currentTarget.value)}
          w={280}
        />
      ) : (
        <span />
      )}
      {props.children}
    </Group>
  );
}

function RoleBadges({ roles }: { readonly roles: Person['roles'] }): ReactNode {
  const { t } = useTranslation('directory');
  const shown = roles.filter((r) => r !== 'user');
  if (shown.length === 0) return <Text size="sm">{t('role.user')}</Text>;
  return (
    <Group gap={4}>
      {shown.map((r) => (
        <Badge key={r} variant="light" size="sm">
          {t(`role.${r}`)}
        </Badge>
      ))}
    </Group>
  );
}

// People -------------------------------------------------------------------------------------

function PeopleTab(): ReactNode {
  const { t } = useTranslation('directory');
  const locations = useLocations();
  const [term, setTerm] = useState('');
  const [password, setPassword] = useState<Person | null>(null);
  const list = usePagedList('people', term, listPeople, (b) => b.items);
  const crud = useCrud<Person>({
    noun: t('noun.person'),
    form: PERSON_FORM,
    create: (body) => createPerson(body as PersonCreate),
    update: (p, body) => updatePerson(p.id, body),
    remove: (p) => deletePerson(p.id),
    nameOf: (p) => p.displayName,
  });
  return (
    <>
      <Toolbar term={term} onTerm={setTerm}>
        {crud.addButton}
      </Toolbar>
      <AdminTable
        caption={t('tab.people')}
        {...list}
        columns={[
          { header: t('field.displayName'), cell: (p) => p.displayName },
          { header: t('field.email'), cell: (p) => p.emails[0] ?? '—' },
          { header: t('field.locationId'), cell: (p) => locations.nameOf(p.locationId) },
          { header: t('field.extension'), cell: (p) => p.extension ?? '—' },
          { header: t('field.roles'), cell: (p) => <RoleBadges roles={p.roles} /> },
        ]}
        keyOf={(p) => p.id}
        nameOf={(p) => p.displayName}
        onEdit={crud.onEdit}
        onDelete={crud.onDelete}
        extraActions={
          crud.canEdit
            ? (p) => (
                <Button
                  size="compact-sm"
                  variant="default"
                  aria-label={t('password.openNamed', { name: p.displayName })}
                  onClick={() => setPassword(p)}
                >
                  {t('password.open')}
                </Button>
              )
            : undefined
        }
      />
      {crud.modals}
      {password && <PasswordModal person={password} onClose={() => setPassword(null)} />}
    </>
  );
}

// Workspaces -------------------------------------------------------------------------------

function WorkspacesTab(): ReactNode {
  const { t } = useTranslation('directory');
  const locations = useLocations();
  const [term, setTerm] = useState('');
  const list = usePagedList('workspaces', term, listWorkspaces, (b) => b.items);
  const crud = useCrud<Workspace>({
    noun: t('noun.workspace'),
    form: WORKSPACE_FORM,
    create: (body) => createWorkspace(body as WorkspaceCreate),
    update: (w, body) => updateWorkspace(w.id, body),
    remove: (w) => deleteWorkspace(w.id),
    nameOf: (w) => w.displayName,
  });
  return (
    <>
      <Toolbar term={term} onTerm={setTerm}>
        {crud.addButton}
      </Toolbar>
      <AdminTable
        caption={t('tab.workspaces')}
        {...list}
        columns={[
          { header: t('field.displayName'), cell: (w) => w.displayName },
          { header: t('field.locationId'), cell: (w) => locations.nameOf(w.locationId) },
          { header: t('field.extension'), cell: (w) => w.extension ?? '—' },
          { header: t('field.phoneNumber'), cell: (w) => w.phoneNumbers[0]?.value ?? '—' },
          { header: t('field.callingLicense'), cell: (w) => t(`license.${w.callingLicense}`) },
        ]}
        keyOf={(w) => w.id}
        nameOf={(w) => w.displayName}
        onEdit={crud.onEdit}
        onDelete={crud.onDelete}
      />
      {crud.modals}
    </>
  );
}

// Virtual lines ----------------------------------------------------------------------------

function VirtualLinesTab(): ReactNode {
  const { t } = useTranslation('directory');
  const [term, setTerm] = useState('');
  const list = usePagedList('virtualLines', term, listVirtualLines, (b) => b.virtualLines);
  const crud = useCrud<VirtualLine>({
    noun: t('noun.virtualLine'),
    form: VIRTUAL_LINE_FORM,
    create: (body) => createVirtualLine(body as VirtualLineCreate),
    update: (l, body) => updateVirtualLine(l.id, body),
    remove: (l) => deleteVirtualLine(l.id),
    nameOf: (l) => l.displayName,
  });
  return (
    <>
      <Toolbar term={term} onTerm={setTerm}>
        {crud.addButton}
      </Toolbar>
      <AdminTable
        caption={t('tab.virtualLines')}
        {...list}
        columns={[
          { header: t('field.displayName'), cell: (l) => l.displayName },
          { header: t('field.locationId'), cell: (l) => l.location.name },
          { header: t('field.extension'), cell: (l) => l.number.extension ?? '—' },
          { header: t('field.phoneNumber'), cell: (l) => l.number.external ?? '—' },
        ]}
        keyOf={(l) => l.id}
        nameOf={(l) => l.displayName}
        onEdit={crud.onEdit}
        onDelete={crud.onDelete}
      />
      {crud.modals}
    </>
  );
}

// Locations --------------------------------------------------------------------------------

function LocationsTab(): ReactNode {
  const { t, i18n } = useTranslation('directory');
  const locations = useLocations();
  const crud = useCrud<Location>({
    noun: t('noun.location'),
    form: LOCATION_FORM,
    create: (body) => createLocation(body),
    update: (l, body) => updateLocation(l.id, body),
    remove: (l) => deleteLocation(l.id),
    nameOf: (l) => l.name,
  });
  return (
    <>
      <Toolbar>{crud.addButton}</Toolbar>
      <AdminTable
        caption={t('tab.locations')}
        rows={locations.locations}
        isPending={locations.isPending}
        error={locations.error}
        columns={[
          { header: t('field.name'), cell: (l) => l.name },
          { header: t('field.timeZone'), cell: (l) => l.timeZone },
          {
            header: t('field.announcementLanguage'),
            cell: (l) => languageName(l.announcementLanguage, i18n.resolvedLanguage ?? 'en'),
          },
          { header: t('field.country'), cell: (l) => l.address.country ?? '—' },
        ]}
        keyOf={(l) => l.id}
        nameOf={(l) => l.name}
        onEdit={crud.onEdit}
        onDelete={crud.onDelete}
      />
      {crud.modals}
    </>
  );
}

// Call features ----------------------------------------------------------------------------

function CallFeaturesTab(): ReactNode {
  const { t } = useTranslation('directory');
  const locations = useLocations();
  const [chosen, setChosen] = useState<string | null>(null);
  const [kind, setKind] = useState<CallFeatureKind>('huntGroups');
  const locationId = chosen ?? locations.locations[0]?.id ?? null;
  const features = useQuery({
    queryKey: ['directoryAdmin', 'callFeatures', locationId, kind],
    queryFn: ({ signal }) => listCallFeatures(locationId ?? '', kind, signal),
    enabled: locationId !== null,
  });
  const crud = useCrud<CallFeature>({
    noun: t(`featureKind.${kind}`),
    form: CALL_FEATURE_FORM,
    create: (body) => createCallFeature(locationId ?? '', kind, body as CallFeatureCreate),
    update: (f, body) => updateCallFeature(f.locationId, kind, f.id, body),
    remove: (f) => deleteCallFeature(f.locationId, kind, f.id),
    nameOf: (f) => f.name,
  });
  return (
    <>
      <Group mb="sm" gap="sm" align="flex-end" wrap="wrap">
        <Select
          label={t('field.locationId')}
          data={locations.locations.map((l) => ({ value: l.id, label: l.name }))}
          value={locationId}
          onChange={setChosen}
          allowDeselect={false}
          w={240}
        />
        <SegmentedControl
          aria-label={t('featureKind.label')}
          value={kind}
          onChange={(next) => setKind(next as CallFeatureKind)}
          data={CALL_FEATURE_KINDS.map((k) => ({ value: k, label: t(`featureKind.${k}`) }))}
        />
        <span style={{ flex: 1 }} />
        {locationId !== null && crud.addButton}
      </Group>
      <AdminTable
        caption={t(`featureKind.${kind}`)}
        rows={features.data ?? []}
        isPending={locationId !== null && features.isPending}
        error={features.error}
        columns={[
          { header: t('field.name'), cell: (f) => f.name },
          { header: t('field.extension'), cell: (f) => f.extension ?? '—' },
          { header: t('field.phoneNumber'), cell: (f) => f.phoneNumber ?? '—' },
        ]}
        keyOf={(f) => f.id}
        nameOf={(f) => f.name}
        onEdit={crud.onEdit}
        onDelete={crud.onDelete}
      />
      {crud.modals}
    </>
  );
}
