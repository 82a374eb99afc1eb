// Bulk import of people from a CSV file: the file is read in the browser and every row checked
// with the server's own schema; the preview shows each row's problems. Importing creates the
// good rows one by one (POST /v1/people, so each is authorised and audited like a person added
// by hand), with a progress bar and each row's result, including the server's refusals.
import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Progress,
  ScrollArea,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type ChangeEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { createPerson } from '../../../api/directory-admin.api.js';
import { useCanEditSettings } from '../../../lib/use-can-edit-settings.js';
import { useLocations } from '../../../lib/use-locations.js';
import { errorText, problemText } from './messages.js';
import {
  CSV_COLUMNS,
  MAX_CSV_BYTES,
  parsePeopleCsv,
  type FileProblem,
  type ImportRow,
  type RowProblem,
} from './people-csv.js';

type RowResult =
  | { readonly state: 'waiting' }
  | { readonly state: 'imported' }
  | { readonly state: 'failed'; readonly message: string };

export function PeopleImport(): ReactNode {
  const { t } = useTranslation('directory');
  const canEdit = useCanEditSettings();
  const locations = useLocations();
  const queryClient = useQueryClient();
  const [fileName, setFileName] = useState<string | null>(null);
  const [rows, setRows] = useState<readonly ImportRow[] | null>(null);
  const [ignored, setIgnored] = useState<string[]>([]);
  const [fileProblem, setFileProblem] = useState<FileProblem | null>(null);
  const [results, setResults] = useState<ReadonlyMap<number, RowResult>>(new Map());
  const [running, setRunning] = useState(false);
  const stopRef = useRef(false);

  async function choose(event: ChangeEvent<HTMLInputElement>): Promise<void> {
    const file = event.currentTarget.files?.[0];
    setRows(null);
    setResults(new Map());
    setFileProblem(null);
    setIgnored([]);
    if (!file) return;
    setFileName(file.name);
    if (file.size > MAX_CSV_BYTES) {
      setFileProblem({ kind: 'tooLarge', limit: MAX_CSV_BYTES });
      return;
    }
    const parsed = parsePeopleCsv(await file.text(), locations.locations);
    if (!parsed.ok) {
      setFileProblem(parsed.problem);
      return;
    }
    setRows(parsed.rows);
    setIgnored(parsed.ignoredColumns);
  }

  const good = (rows ?? []).filter((r) => r.problems.length === 0);
  const bad = (rows ?? []).length - good.length;
  const done = [...results.values()].filter((r) => r.state !== 'waiting').length;
  const imported = [...results.values()].filter((r) => r.state === 'imported').length;
  const failed = [...results.values()].filter((r) => r.state === 'failed').length;

  async function run(): Promise<void> {
    stopRef.current = false;
    setRunning(true);
    setResults(new Map(good.map((r) => [r.line, { state: 'waiting' }])));
    for (const row of good) {
      if (stopRef.current) break;
      let result: RowResult;
      try {
        await createPerson(row.body);
        result = { state: 'imported' };
      } catch (error) {
        result = { state: 'failed', message: errorText(t, error as Error) };
      }
      setResults((old) => new Map(old).set(row.line, result));
    }
    setRunning(false);
    await queryClient.invalidateQueries();
  }

  function problemWords(problem: RowProblem): string {
    const column = problem.column === null ? '' : `${t(`csv.column.${problem.column}`)}: `;
    switch (problem.kind) {
      case 'schema':
        return (
          column +
          problemText(
            t,
            problem.column === 'location' ? 'locationId' : problem.column,
            problem.problem,
          )
        );
      case 'unknownLocation':
        return column + t('csv.unknownLocation', { value: problem.value });
      case 'unknownRole':
        return column + t('csv.unknownRole', { value: problem.value });
      case 'duplicateEmail':
        return column + t('csv.duplicateEmail', { line: problem.firstLine });
    }
  }

  function fileProblemWords(problem: FileProblem): string {
    switch (problem.kind) {
      case 'tooLarge':
        return t('csv.tooLarge', { size: Math.round(problem.limit / 1024 / 1024) });
      case 'tooManyRows':
        return t('csv.tooManyRows', { count: problem.limit });
      case 'noEmailColumn':
        return t('csv.noEmailColumn');
      case 'empty':
        return t('csv.empty');
      case 'unreadable':
        return t('csv.unreadable', { message: problem.message });
    }
  }

  function statusOf(row: ImportRow): ReactNode {
    if (row.problems.length > 0) {
      return (
        <Stack gap={2}>
          <Badge color="red" variant="light">
            {t('csv.status.invalid')}
          </Badge>
          {row.problems.map((p, i) => (
            <Text key={i} size="xs" c="red">
              {problemWords(p)}
            </Text>
          ))}
        </Stack>
      );
    }
    const result = results.get(row.line);
    if (!result) return <Badge variant="light">{t('csv.status.ready')}</Badge>;
    switch (result.state) {
      case 'waiting':
        return (
          <Badge variant="light" color="gray">
            {t('csv.status.waiting')}
          </Badge>
        );
      case 'imported':
        return (
          <Badge variant="light" color="green">
            {t('csv.status.imported')}
          </Badge>
        );
      case 'failed':
        return (
          <Stack gap={2}>
            <Badge color="red" variant="light">
              {t('csv.status.failed')}
            </Badge>
            <Text size="xs" c="red">
              {result.message}
            </Text>
          </Stack>
        );
    }
  }

  if (!canEdit) return <Text c="dimmed">{t('csv.readOnly')}</Text>;

  return (
    <Stack gap="md">
      <Text size="sm">{t('csv.intro')}</Text>
      {/* Focusable, so a keyboard can scroll it when it is wider than the page. */}
      <Code block tabIndex={0}>
        {CSV_COLUMNS.join(',')}
      </Code>
      <Text size="xs" c="dimmed">
        {t('csv.rolesHint')}
      </Text>
      <Group gap="sm">
        <label>
          <Text size="sm" fw={500} mb={4}>
            {t('csv.file')}
          </Text>
          <input
            type="file"
            accept=".csv,text/csv"
            aria-label={t('csv.file')}
            disabled={running}
            onChange={(e) => void choose(e)}
          />
        </label>
      </Group>
      {fileProblem && (
        <Alert color="red" role="alert" title={fileName ?? undefined}>
          {fileProblemWords(fileProblem)}
        </Alert>
      )}
      {rows && (
        <>
          <Group justify="space-between" gap="sm">
            <Text size="sm" role="status">
              {t('csv.summary', { count: rows.length, good: good.length, bad })}
              {ignored.length > 0 && ` ${t('csv.ignored', { columns: ignored.join(', ') })}`}
            </Text>
            <Group gap="sm">
              {running && (
                <Button variant="default" onClick={() => (stopRef.current = true)}>
                  {t('csv.stop')}
                </Button>
              )}
              <Button
                onClick={() => void run()}
                loading={running}
                disabled={good.length === 0 || (results.size > 0 && !running)}
              >
                {t('csv.import', { count: good.length })}
              </Button>
            </Group>
          </Group>
          {results.size > 0 && (
            <Stack gap={4}>
              <Progress
                value={good.length === 0 ? 0 : (done / good.length) * 100}
                aria-label={t('csv.progressLabel')}
                animated={running}
              />
              <Text size="sm" role="status" aria-live="polite">
                {t('csv.progress', { done, total: good.length, imported, failed })}
              </Text>
            </Stack>
          )}
          <ScrollArea type="auto" mah={520} viewportProps={{ tabIndex: 0 }}>
            <Table miw={640} striped>
              <Table.Caption>{t('csv.preview')}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('csv.line')}</Table.Th>
                  <Table.Th>{t('field.email')}</Table.Th>
                  <Table.Th>{t('field.displayName')}</Table.Th>
                  <Table.Th>{t('csv.status.label')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={row.line}>
                    <Table.Td>{row.line}</Table.Td>
                    <Table.Td>{row.email || '—'}</Table.Td>
                    <Table.Td>{row.name}</Table.Td>
                    <Table.Td>{statusOf(row)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </>
      )}
    </Stack>
  );
}
