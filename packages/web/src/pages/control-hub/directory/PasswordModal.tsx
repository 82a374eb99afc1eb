// Sets a person's console password: a one-time password the server generates and shows here once
// (to pass on to the person, who chooses their own at first sign-in), or one the administrator
// types. The length rule is the API schema's.
import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
} from '@mantine/core';
import {
  AdminSetPasswordBody,
  findProblems,
  type AdminSetPasswordResult,
  type Person,
} from '@callvault/shared';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { setPersonPassword } from '../../../api/directory-admin.api.js';
import { errorText, problemText } from './messages.js';

export function PasswordModal(props: {
  readonly person: Person;
  readonly onClose: () => void;
}): ReactNode {
  const { t } = useTranslation('directory');
  const [mode, setMode] = useState<'oneTime' | 'chosen'>('oneTime');
  const [password, setPassword] = useState('');
  const [mustChange, setMustChange] = useState(true);
  const [tried, setTried] = useState(false);
  const body: AdminSetPasswordBody = mode === 'oneTime' ? {} : { password, mustChange };
  const problem = findProblems(AdminSetPasswordBody, body)[0];
  const save = useMutation<AdminSetPasswordResult, Error>({
    mutationFn: () => setPersonPassword(props.person.id, body),
  });

  function submit(event: FormEvent): void {
    event.preventDefault();
    setTried(true);
    if (problem) return;
    save.mutate();
  }

  const result = save.data;
  return (
    <Modal
      opened
      onClose={props.onClose}
      title={<Text fw={650}>{t('password.title', { name: props.person.displayName })}</Text>}
      centered
    >
      {result ? (
        <Stack gap="md">
          {result.oneTimePassword !== null ? (
            <>
              <Text size="sm">{t('password.oneTimeShown')}</Text>
              <Group gap="sm" wrap="nowrap">
                <Code
                  fz="md"
                  aria-label={t('password.oneTimeLabel')}
                  data-testid="one-time-password"
                >
                  {result.oneTimePassword}
                </Code>
                <CopyButton value={result.oneTimePassword}>
                  {({ copied, copy }) => (
                    <Button size="compact-sm" variant="default" onClick={copy}>
                      {copied ? t('password.copied') : t('password.copy')}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </>
          ) : (
            <Text size="sm">{t('password.set')}</Text>
          )}
          <Text size="sm" c="dimmed">
            {t('password.sessionsEnded')}
          </Text>
          <Group justify="flex-end">
            <Button onClick={props.onClose}>{t('action.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <SegmentedControl
              aria-label={t('password.mode')}
              value={mode}
              onChange={(next) => setMode(next as 'oneTime' | 'chosen')}
              data={[
                { value: 'oneTime', label: t('password.modeOneTime') },
                { value: 'chosen', label: t('password.modeChosen') },
              ]}
            />
            {mode === 'oneTime' ? (
              <Text size="sm">{t('password.oneTimeExplained')}</Text>
            ) : (
              <>
                <PasswordInput
                  label={t('password.newPassword')}
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  error={
                    problem && (tried || password !== '')
                      ? problemText(t, null, problem)
                      : undefined
                  }
                  autoComplete="new-password"
                />
                <Checkbox
                  label={t('password.mustChange')}
                  checked={mustChange}
                  onChange={(e) => setMustChange(e.currentTarget.checked)}
                />
              </>
            )}
            {save.error && (
              <Alert color="red" title={t('password.failed')} role="alert">
                {errorText(t, save.error)}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={props.onClose} disabled={save.isPending}>
                {t('action.cancel')}
              </Button>
              <Button type="submit" loading={save.isPending}>
                {mode === 'oneTime' ? t('password.generate') : t('password.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
