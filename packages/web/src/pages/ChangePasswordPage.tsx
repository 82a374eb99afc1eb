// After a one-time password (first start, `callvault password`, `callvault org create`) the server
// allows nothing but choosing a new password; this page is where the console sends that person.
import { useTranslation } from 'react-i18next';
import { useProfileLanguage } from '../i18n/use-profile-language.js';
import i18next from 'i18next';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent, type ReactNode } from 'react';
import { changePassword } from '../api/auth.api.js';
import { findHomePath } from '../auth/access.js';
import { forgetOneTimePassword, recallOneTimePassword } from '../auth/one-time-password.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { sessionQueryOptions } from '../auth/session.js';
import { IconAlert } from '../components/icons.js';
import { describeError } from '../lib/error-messages.js';
import type { SessionResponse } from '@callvault/shared';

export const MIN_PASSWORD_LENGTH = 12;

/** Why the new password cannot be used yet, or null. */
export function checkNewPassword(next: string, repeated: string, current: string): string | null {
  if (next.length < MIN_PASSWORD_LENGTH) {
    return i18next.t('auth:changePassword.tooShort', { min: MIN_PASSWORD_LENGTH });
  }
  if (next === current) return i18next.t('auth:changePassword.sameAsCurrent');
  if (next !== repeated) return i18next.t('auth:changePassword.notSame');
  return null;
}

export function ChangePasswordPage({ session }: { readonly session: SessionResponse }): ReactNode {
  const { t } = useTranslation('auth');
  const { t: ta } = useTranslation('a11y');
  useProfileLanguage(session.user);
  usePageTitle(ta('pageTitle.changePassword'));
  // Just signed in with it in this tab: no need to type it again.
  const [recalled] = useState(() => recallOneTimePassword(session.user.email));
  const [current, setCurrent] = useState(recalled ?? '');
  const [next, setNext] = useState('');
  const [repeated, setRepeated] = useState('');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const problem = next === '' ? null : checkNewPassword(next, repeated, current);

  const save = useMutation({
    mutationFn: changePassword,
    onSuccess: async () => {
      forgetOneTimePassword();
      const updated: SessionResponse = {
        ...session,
        user: { ...session.user, mustChangePassword: false },
      };
      queryClient.setQueryData(sessionQueryOptions.queryKey, updated);
      await navigate({ to: findHomePath(session.user.roles), replace: true });
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (checkNewPassword(next, repeated, current) === null) {
      save.mutate({ currentPassword: current, newPassword: next });
    }
  };

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Paper withBorder shadow="sm" radius="md" p="xl" w={420} maw="100%">
        <form onSubmit={onSubmit} noValidate>
          <Stack gap="md">
            <div>
              <Title order={1} fz="xl">
                {t('changePassword.title')}
              </Title>
              <Text size="sm" c="dimmed">
                {t('changePassword.intro', { email: session.user.email })}
              </Text>
            </div>
            {save.error && (
              <Alert color="red" variant="light" icon={<IconAlert />} role="alert">
                {describeError(save.error)}
              </Alert>
            )}
            {recalled === null ? (
              <PasswordInput
                label={t('changePassword.current')}
                autoComplete="current-password"
                value={current}
                onChange={(e) => setCurrent(e.currentTarget.value)}
              />
            ) : (
              <Text size="sm" c="dimmed" data-testid="one-time-password-kept">
                {ta('oneTimePasswordKept')}
              </Text>
            )}
            <PasswordInput
              label={t('changePassword.next')}
              autoComplete="new-password"
              value={next}
              onChange={(e) => setNext(e.currentTarget.value)}
              error={problem}
            />
            <PasswordInput
              label={t('changePassword.repeat')}
              autoComplete="new-password"
              value={repeated}
              onChange={(e) => setRepeated(e.currentTarget.value)}
            />
            <Button
              type="submit"
              loading={save.isPending}
              disabled={current === '' || next === '' || problem !== null}
            >
              {t('changePassword.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
