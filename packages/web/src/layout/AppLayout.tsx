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
  { to: '/control-hub/people', label: 'People', icon: <IconPeople /> },
  { to: '/control-hub/workspaces', label: 'Workspaces', icon: <IconWorkspace /> },
  { to: '/control-hub/virtual-lines', label: 'Virtual lines', icon: <IconVirtualLine /> },
  { to: '/control-hub/locations', label: 'Locations', icon: <IconLocation /> },
  { to: '/control-hub/call-recording', label: 'Call recording', icon: <IconCallRecording /> },
  { to: '/control-hub/recording-trunks', label: 'Recording trunks', icon: <IconTrunk /> },
] as const;

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
  const { t } = useTranslation('a11y');
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
              aria-label="Toggle navigation"
            />
            <Group gap={8} c="indigo.7" wrap="nowrap">
              <IconLogo size={26} />
              <Text fw={700} fz="lg" c="dark.7">
                Callvault
              </Text>
            </Group>
          </Group>
          <Group gap="md" wrap="nowrap">
            <LanguageSwitcher />
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
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <ScrollArea>
          {canSeeArea(me.roles, 'controlHub') && (
            <NavLink
              // A button (Mantine's default is an <a> without href, which Tab skips).
              component="button"
              type="button"
              label="Control Hub"
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
                  label={link.label}
                  leftSection={link.icon}
                  active={pathname === link.to || pathname.startsWith(`${link.to}/`)}
                  onClick={navbar.close}
                />
              ))}
            </NavLink>
          )}
          {canSeeArea(me.roles, 'recordings') && (
            <RouterNavLink
              to="/recordings"
              label="Recordings"
              leftSection={<IconRecordings />}
              active={pathname === '/recordings'}
              onClick={navbar.close}
              fw={600}
            />
          )}
          <RouterNavLink
            to="/user-hub"
            label="User Hub"
            leftSection={<IconUser />}
            active={pathname === '/user-hub'}
            onClick={navbar.close}
            fw={600}
          />
          {canSeeArea(me.roles, 'controlHub') && (
            <NavLink
              component="a"
              href={API_DOCS_PATH}
              label={t('apiDocs.link')}
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
