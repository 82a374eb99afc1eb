import { Button, Card, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';

interface SettingsCardProps {
  readonly title: string;
  readonly description?: ReactNode;
  /** Shown at the top right, e.g. a status badge. */
  readonly aside?: ReactNode;
  /** Shown under a divider, e.g. the Save and Cancel buttons. */
  readonly footer?: ReactNode;
  readonly children: ReactNode;
}

/** One group of settings on a Control Hub page: a titled card, its fields and its own actions. */
export function SettingsCard(props: SettingsCardProps): ReactNode {
  const headingId = `settings-${props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={headingId}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" mb="md">
        <Stack gap={4}>
          <Title order={2} fz="lg" id={headingId}>
            {props.title}
          </Title>
          {props.description !== undefined && (
            <Text size="sm" c="dimmed" maw={720}>
              {props.description}
            </Text>
          )}
        </Stack>
        {props.aside}
      </Group>
      {props.children}
      {props.footer !== undefined && (
        <>
          <Divider my="lg" />
          {props.footer}
        </>
      )}
    </Card>
  );
}

interface FormActionsProps {
  readonly dirty: boolean;
  readonly saving: boolean;
  readonly disabled?: boolean;
  readonly onCancel: () => void;
  /** Shown on the left, e.g. why the form cannot be changed. */
  readonly note?: ReactNode;
  readonly saveLabel?: string;
}

/** Save and Cancel at the foot of a settings form: Save submits, Cancel puts back what was saved. */
export function FormActions(props: FormActionsProps): ReactNode {
  const { t } = useTranslation();
  return (
    <Group justify="space-between" wrap="nowrap">
      <Text size="sm" c="dimmed">
        {props.note}
      </Text>
      <Group gap="sm" wrap="nowrap">
        <Button
          variant="default"
          onClick={props.onCancel}
          disabled={!props.dirty || props.saving || props.disabled === true}
        >
          {t('actions.cancel')}
        </Button>
        <Button
          type="submit"
          loading={props.saving}
          disabled={!props.dirty || props.saving || props.disabled === true}
        >
          {props.saveLabel ?? t('actions.save')}
        </Button>
      </Group>
    </Group>
  );
}
