// The console's routes, declared in code. Every page but /login lives under the `console` layout
// route, whose guard loads the session; each area's guard sends a person whose roles do not include
// it to User Hub (`redirect({ throw: true })` throws TanStack's redirect object). These guards only shape the console: the server authorises every request itself.
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import type { SessionResponse } from '@callvault/shared';
import { canSeeArea, findHomePath, type Area } from './auth/access.js';
import { sessionQueryOptions } from './auth/session.js';
import { AppLayout } from './layout/AppLayout.js';
import { ChangePasswordPage } from './pages/ChangePasswordPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { RecordingsPage } from './pages/RecordingsPage.js';
import { UserHubPage } from './pages/UserHubPage.js';
import { AuditLogPage } from './pages/compliance/AuditLogPage.js';
import { LegalHoldsPage } from './pages/compliance/LegalHoldsPage.js';
import { RetentionPage } from './pages/compliance/RetentionPage.js';
import { UsagePage } from './pages/compliance/UsagePage.js';
import { LocationsPage } from './pages/control-hub/LocationsPage.js';
import {
  PeoplePage,
  VirtualLinesPage,
  WorkspacesPage,
} from './pages/control-hub/recordable-lists.js';
import { RecordingTrunksPage } from './pages/control-hub/RecordingTrunksPage.js';
import { DirectoryAdminPage } from './pages/control-hub/directory/DirectoryAdminPage.js';
import { EntityRecordingPage } from './pages/control-hub/call-recording/EntityRecordingPage.js';
import { LocationRecordingPage } from './pages/control-hub/call-recording/LocationRecordingPage.js';
import { OrgCallRecordingPage } from './pages/control-hub/call-recording/OrgCallRecordingPage.js';

export interface RouterContext {
  readonly queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

interface LoginSearch {
  readonly redirect?: string;
}

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (search: Record<string, unknown>): LoginSearch =>
    typeof search.redirect === 'string' ? { redirect: search.redirect } : {},
  beforeLoad: async ({ context }) => {
    const session = await context.queryClient.ensureQueryData(sessionQueryOptions);
    if (session) redirect({ to: findHomePath(session.user.roles), replace: true, throw: true });
  },
  component: function LoginRoute() {
    const { redirect: requested } = loginRoute.useSearch();
    return <LoginPage redirect={requested} />;
  },
});

const changePasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/change-password',
  beforeLoad: async ({ context }): Promise<{ session: SessionResponse }> => {
    const session = await context.queryClient.ensureQueryData(sessionQueryOptions);
    if (!session) redirect({ to: '/login', replace: true, throw: true });
    return { session: session as SessionResponse };
  },
  component: function ChangePasswordRoute() {
    const { session } = changePasswordRoute.useRouteContext();
    return <ChangePasswordPage session={session} />;
  },
});

const consoleRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'console',
  beforeLoad: async ({ context, location }): Promise<{ session: SessionResponse }> => {
    const session = await context.queryClient.ensureQueryData(sessionQueryOptions);
    if (!session) {
      redirect({
        to: '/login',
        search: location.href === '/' ? {} : { redirect: location.href },
        replace: true,
        throw: true,
      });
    }
    // A one-time password must be replaced before anything else (the server insists too).
    if (session?.user.mustChangePassword) {
      redirect({ to: '/change-password', replace: true, throw: true });
    }
    // redirect({ throw: true }) above left when there is no session; TypeScript cannot tell.
    return { session: session as SessionResponse };
  },
  component: function ConsoleRoute() {
    const { session } = consoleRoute.useRouteContext();
    return <AppLayout me={session.user} />;
  },
});

const indexRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: '/',
  beforeLoad: ({ context }) => {
    redirect({ to: findHomePath(context.session.user.roles), replace: true, throw: true });
  },
});

/** Sends a person whose roles do not include `area` to User Hub, which everyone has. */
function guardArea(area: Area) {
  return ({ context }: { context: { session: SessionResponse } }): void => {
    if (!canSeeArea(context.session.user.roles, area)) {
      redirect({ to: '/user-hub', replace: true, throw: true });
    }
  };
}

const controlHubRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'control-hub',
  beforeLoad: guardArea('controlHub'),
});

const controlHubIndexRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: '/',
  beforeLoad: () => {
    redirect({ to: '/control-hub/people', replace: true, throw: true });
  },
});

const peopleRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: 'people',
  component: PeoplePage,
});

const workspacesRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: 'workspaces',
  component: WorkspacesPage,
});

const virtualLinesRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: 'virtual-lines',
  component: VirtualLinesPage,
});

const locationsRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: 'locations',
  component: LocationsPage,
});

const personRecordingRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: 'people/$personId/call-recording',
  component: function PersonRecordingRoute() {
    const { personId } = personRecordingRoute.useParams();
    return <EntityRecordingPage key={personId} kind="person" id={personId} />;
  },
});

const workspaceRecordingRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: 'workspaces/$workspaceId/call-recording',
  component: function WorkspaceRecordingRoute() {
    const { workspaceId } = workspaceRecordingRoute.useParams();
    return <EntityRecordingPage key={workspaceId} kind="workspace" id={workspaceId} />;
  },
});

const virtualLineRecordingRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: 'virtual-lines/$virtualLineId/call-recording',
  component: function VirtualLineRecordingRoute() {
    const { virtualLineId } = virtualLineRecordingRoute.useParams();
    return <EntityRecordingPage key={virtualLineId} kind="virtualLine" id={virtualLineId} />;
  },
});

const locationRecordingRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: 'locations/$locationId/call-recording',
  component: function LocationRecordingRoute() {
    const { locationId } = locationRecordingRoute.useParams();
    return <LocationRecordingPage key={locationId} locationId={locationId} />;
  },
});

const callRecordingRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: 'call-recording',
  component: OrgCallRecordingPage,
});

const directoryRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: 'directory',
  component: DirectoryAdminPage,
});

const recordingTrunksRoute = createRoute({
  getParentRoute: () => controlHubRoute,
  path: 'recording-trunks',
  component: RecordingTrunksPage,
});

const recordingsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'recordings',
  beforeLoad: guardArea('recordings'),
  component: function RecordingsRoute() {
    const { session } = recordingsRoute.useRouteContext();
    return <RecordingsPage me={session.user} />;
  },
});

const complianceRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'compliance',
  beforeLoad: guardArea('compliance'),
});

const complianceIndexRoute = createRoute({
  getParentRoute: () => complianceRoute,
  path: '/',
  beforeLoad: () => {
    redirect({ to: '/compliance/audit', replace: true, throw: true });
  },
});

interface AuditSearch {
  readonly targetId?: string;
}

const auditRoute = createRoute({
  getParentRoute: () => complianceRoute,
  path: 'audit',
  validateSearch: (search: Record<string, unknown>): AuditSearch =>
    typeof search.targetId === 'string' ? { targetId: search.targetId } : {},
  component: function AuditRoute() {
    const { targetId } = auditRoute.useSearch();
    return <AuditLogPage key={targetId ?? ''} initialTargetId={targetId} />;
  },
});

const legalHoldsRoute = createRoute({
  getParentRoute: () => complianceRoute,
  path: 'legal-holds',
  component: function LegalHoldsRoute() {
    const { session } = legalHoldsRoute.useRouteContext();
    return <LegalHoldsPage me={session.user} />;
  },
});

const usageRoute = createRoute({
  getParentRoute: () => complianceRoute,
  path: 'usage',
  component: UsagePage,
});

const retentionRoute = createRoute({
  getParentRoute: () => complianceRoute,
  path: 'retention',
  component: function RetentionRoute() {
    const { session } = retentionRoute.useRouteContext();
    return <RetentionPage me={session.user} />;
  },
});

const userHubRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'user-hub',
  component: function UserHubRoute() {
    const { session } = userHubRoute.useRouteContext();
    return <UserHubPage me={session.user} />;
  },
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  changePasswordRoute,
  consoleRoute.addChildren([
    indexRoute,
    controlHubRoute.addChildren([
      controlHubIndexRoute,
      peopleRoute,
      workspacesRoute,
      virtualLinesRoute,
      locationsRoute,
      personRecordingRoute,
      workspaceRecordingRoute,
      virtualLineRecordingRoute,
      locationRecordingRoute,
      callRecordingRoute,
      recordingTrunksRoute,
      directoryRoute,
    ]),
    recordingsRoute,
    complianceRoute.addChildren([
      complianceIndexRoute,
      auditRoute,
      legalHoldsRoute,
      usageRoute,
      retentionRoute,
    ]),
    userHubRoute,
  ]),
]);

export function createConsoleRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    // Route data lives in TanStack Query, which decides freshness; the router must not cache it too.
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createConsoleRouter>;
  }
}
