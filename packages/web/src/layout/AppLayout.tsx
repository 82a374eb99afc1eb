// The signed-in console: header with who is signed in, navbar with the areas their roles allow,
// and the current page.
import {
  AppShell,
  Avatar,
  Burger,
  Button,
  Group,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  type NavLinkProps,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  createLink,
  Outlet,
  useNavigate,
  useRouterState,
  type LinkComponent,
} from '@tanstack/react-router';
import { forwardRef, useState, type AnchorHTMLAttributes, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { logout } from '../api/auth.api.js';
import type { Me } from '@callvault/shared';
import { canSeeArea } from '../auth/access.js';
import { LanguageSwitcher } from '../components/LanguageSwitcher.js';
import { useProfileLanguage } from '../i18n/use-profile-language.js';
import { QuotaBanner } from '../components/QuotaBanner.js';
import { SkipLink } from '../components/SkipLink.js';
import { sessionQueryOptions } from '../auth/session.js';
import {
  IconCallRecording,
  IconControlHub,
  IconDocs,
  IconLocation,
  IconLogo,
  IconPeople,
  IconRecordings,
  IconSignOut,
  IconTrunk,
  IconUser,
  IconVirtualLine,
  IconWorkspace,
} from '../components/icons.js';

type AnchorNavLinkProps = Omit<NavLinkProps, 'href'> &
  Omit<AnchorHTMLAttributes<HTMLAnchorElement>, keyof NavLinkProps>;

const AnchorNavLink = forwardRef<HTMLAnchorElement, AnchorNavLinkProps>((props, ref) => (
  <NavLink component="a" ref={ref} {...props} />
));
AnchorNavLink.displayName = 'AnchorNavLink';

const CreatedRouterNavLink = createLink(AnchorNavLink);

/** Mantine's NavLink that navigates with the router (no page reload, typed paths). */
const RouterNavLink: LinkComponent<typeof AnchorNavLink> = (props) => (
  <CreatedRouterNavLink preload="intent" {...props} />
);

const CONTROL_HUB_LINKS = [
  { to: '/control-hub/people', label: 'people', icon: <IconPeople /> },
  { to: '/control-hub/workspaces', label: 'workspaces', icon: <IconWorkspace /> },
  { to: '/control-hub/virtual-lines', label: 'virtualLines', icon: <IconVirtualLine /> },
  { to: '/control-hub/locations', label: 'locations', icon: <IconLocation /> },
  { to: '/control-hub/call-recording', label: 'callRecording', icon: <IconCallRecording /> },
  { to: '/control-hub/recording-trunks', label: 'recordingTrunks', icon: <IconTrunk /> },
] as const;

const COMPLIANCE_LINKS = [
  { to: '/compliance/audit', key: 'nav.audit' },
  { to: '/compliance/legal-holds', key: 'nav.holds' },
  { to: '/compliance/usage', key: 'nav.usage' },
  { to: '/compliance/retention', key: 'nav.retention' },
] as const;

/** The compliance pages' entries in the navbar, for the roles that may open them. */
function ComplianceNav({
  pathname,
  onNavigate,
}: {
  readonly pathname: string;
  readonly onNavigate: () => void;
}): ReactNode {
  const { t } = useTranslation('compliance');
  return (
    <NavLink
      label={t('nav.section')}
      leftSection={<IconCallRecording />}
      defaultOpened
      active={pathname.startsWith('/compliance/')}
      variant="subtle"
      childrenOffset={20}
      fw={600}
    >
      {COMPLIANCE_LINKS.map((link) => (
        <RouterNavLink
          key={link.to}
          to={link.to}
          label={t(link.key)}
          active={pathname === link.to}
          onClick={onNavigate}
        />
      ))}
    </NavLink>
  );
}

function initialsOf(name: string): string {
  const parts = name.split(/\s+/).filter((p) => p !== '');
  return parts
    .slice(0, 2)
    .map((p) => p.charAt(0).toUpperCase())
    .join('');
}

/** The server's OpenAPI documentation (Swagger UI), for administrators who script the API. */
export const API_DOCS_PATH = '/api/docs';

export function AppLayout({ me }: { readonly me: Me }): ReactNode {
  const { t } = useTranslation(['nav', 'common']);
  const { t: ta } = useTranslation('a11y');
  useProfileLanguage(me);
  const [navbarOpened, navbar] = useDisclosure(false);
  // The group says whether it is open, so a screen reader announces it as expanded or collapsed.
  const [controlHubOpen, setControlHubOpen] = useState(true);
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const signOut = useMutation({
    mutationFn: logout,
    onSettled: async () => {
      queryClient.removeQueries();
      queryClient.setQueryData(sessionQueryOptions.queryKey, null);
      await navigate({ to: '/login', replace: true });
    },
  });

  const inControlHub = pathname.startsWith('/control-hub/');

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !navbarOpened } }}
      padding="xl"
      bg="gray.0"
    >
      <SkipLink />
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navbarOpened}
              onClick={navbar.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('toggle')}
            />
            <Group gap={8} c="indigo.7" wrap="nowrap">
              <IconLogo size={26} />
              <Text fw={700} fz="lg" c="dark.7">
                {t('common:appName')}
              </Text>
            </Group>
          </Group>
          <Group gap="md" wrap="nowrap">
            <LanguageSwitcher signedIn />
            <Group gap="sm" wrap="nowrap" data-testid="signed-in-user">
              <Avatar radius="xl" size={34} color="indigo">
                {initialsOf(me.displayName)}
              </Avatar>
              <Stack gap={0} visibleFrom="xs">
                <Text size="sm" fw={600} lh={1.2}>
                  {me.displayName}
                </Text>
                <Text size="xs" c="dimmed" lh={1.2}>
                  {me.orgName}
                </Text>
              </Stack>
            </Group>
            <Button
              variant="default"
              size="xs"
              leftSection={<IconSignOut size={16} />}
              loading={signOut.isPending}
              onClick={() => signOut.mutate()}
            >
              {t('signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label={t('main')}>
        <ScrollArea>
          {canSeeArea(me.roles, 'controlHub') && (
            <NavLink
              // A button (Mantine's default is an <a> without href, which Tab skips).
              component="button"
              type="button"
              label={t('controlHub')}
              leftSection={<IconControlHub />}
              opened={controlHubOpen}
              onChange={setControlHubOpen}
              aria-expanded={controlHubOpen}
              active={inControlHub}
              variant="subtle"
              childrenOffset={20}
              fw={600}
            >
              {CONTROL_HUB_LINKS.map((link) => (
                <RouterNavLink
                  key={link.to}
                  to={link.to}
                  label={t(link.label)}
                  leftSection={link.icon}
                  active={pathname === link.to || pathname.startsWith(`${link.to}/`)}
                  onClick={navbar.close}
                />
              ))}
              <DirectoryNavLink pathname={pathname} onClick={navbar.close} />
            </NavLink>
          )}
          {canSeeArea(me.roles, 'recordings') && (
            <RouterNavLink
              to="/recordings"
              label={t('recordings')}
              leftSection={<IconRecordings />}
              active={pathname === '/recordings'}
              onClick={navbar.close}
              fw={600}
            />
          )}
          {canSeeArea(me.roles, 'compliance') && (
            <ComplianceNav pathname={pathname} onNavigate={navbar.close} />
          )}
          <RouterNavLink
            to="/user-hub"
            label={t('userHub')}
            leftSection={<IconUser />}
            active={pathname === '/user-hub'}
            onClick={navbar.close}
            fw={600}
          />
          {canSeeArea(me.roles, 'controlHub') && (
            <NavLink
              component="a"
              href={API_DOCS_PATH}
              label={ta('apiDocs.link')}
              leftSection={<IconDocs />}
              fw={600}
            />
          )}
        </ScrollArea>
      </AppShell.Navbar>

      <AppShell.Main id="main-content" tabIndex={-1}>
        <div style={{ maxWidth: 1200, margin: '0 auto' }}>
          {canSeeArea(me.roles, 'recordings') && <QuotaBanner />}
          <Outlet />
        </div>
      </AppShell.Main>
    </AppShell>
  );
}

/** Control Hub → Directory, where administrators change the directory the lists above show. */
function DirectoryNavLink(props: { readonly pathname: string; readonly onClick: () => void }) {
  const { t } = useTranslation('directory');
  return (
    <RouterNavLink
      to="/control-hub/directory"
      label={t('nav.directory')}
      leftSection={<IconControlHub />}
      active={props.pathname.startsWith('/control-hub/directory')}
      onClick={props.onClick}
    />
  );
}
