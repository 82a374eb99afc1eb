import {
  Alert,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from '../components/LanguageSwitcher.js';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent, type ReactNode } from 'react';
import { login } from '../api/auth.api.js';
import { resolveRedirect } from '../auth/access.js';
import { rememberOneTimePassword } from '../auth/one-time-password.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { sessionQueryOptions } from '../auth/session.js';
import { describeLoginError } from '../lib/error-messages.js';
import { IconAlert, IconLogo } from '../components/icons.js';

export function LoginPage({ redirect }: { readonly redirect: string | undefined }): ReactNode {
  const { t } = useTranslation(['auth', 'common']);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { t: ta } = useTranslation('a11y');
  usePageTitle(ta('pageTitle.signIn'));

  const signIn = useMutation({
    mutationFn: login,
    onSuccess: async (session, credentials) => {
      if (session.user.mustChangePassword) {
        rememberOneTimePassword(session.user.email, credentials.password);
      }
      // A new person may be signing in: nothing cached for the previous one may show.
      queryClient.removeQueries();
      queryClient.setQueryData(sessionQueryOptions.queryKey, session);
      await navigate({ href: resolveRedirect(session.user.roles, redirect), replace: true });
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    signIn.mutate({ email: email.trim(), password });
  };

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Stack w={400} maw="100%" gap="lg">
        <Group gap="xs" justify="center" c="indigo.7">
          <IconLogo size={34} />
          <Text fz={26} fw={700} c="dark.7">
            {t('common:appName')}
          </Text>
        </Group>
        <Paper withBorder shadow="sm" radius="md" p="xl">
          <form onSubmit={onSubmit} noValidate>
            <Stack gap="md">
              <div>
                <Title order={1} fz="xl">
                  {t('signIn.title')}
                </Title>
                <Text size="sm" c="dimmed">
                  {t('signIn.subtitle')}
                </Text>
              </div>
              {signIn.error && (
                <Alert color="red" variant="light" icon={<IconAlert />} role="alert">
                  {describeLoginError(signIn.error)}
                </Alert>
              )}
              <TextInput
                label={t('signIn.email')}
                type="email"
                autoComplete="username"
                required
                autoFocus
                value={email}
                onChange={(event) => setEmail(event.currentTarget.value)}
              />
              <PasswordInput
                label={t('signIn.password')}
                autoComplete="current-password"
                required
                value={password}
                onChange={(event) => setPassword(event.currentTarget.value)}
              />
              <Button
                type="submit"
                fullWidth
                loading={signIn.isPending}
                disabled={email.trim() === '' || password === ''}
              >
                {t('signIn.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
        <Group justify="space-between" wrap="nowrap">
          <Text size="xs" c="dimmed">
            {t('signIn.tagline')}
          </Text>
          <LanguageSwitcher />
        </Group>
      </Stack>
    </Center>
  );
}
