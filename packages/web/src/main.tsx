// Entry point of the console: providers (Mantine, TanStack Query, the router) and the one place
// that reacts to a session ending under our feet (any 401 from the API sends the person to sign in).
import '@mantine/core/styles.css';
import './a11y.css';
import { MantineProvider } from '@mantine/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api/client.js';
import { Toaster } from './components/Toaster.js';
import { sessionQueryOptions } from './auth/session.js';
import { initI18n } from './i18n/index.js';
import { createConsoleRouter } from './router.js';
import { cssVariablesResolver, themeWithLabels } from './theme.js';

function onApiError(error: Error): void {
  if (!(error instanceof ApiError) || error.status !== 401) return;
  const { pathname, href } = router.state.location;
  if (pathname === '/login') return;
  queryClient.removeQueries();
  queryClient.setQueryData(sessionQueryOptions.queryKey, null);
  void router.navigate({ to: '/login', search: { redirect: href }, replace: true });
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A client error will not go away by asking again.
      retry: (failures, error) =>
        !(error instanceof ApiError && error.status < 500) && failures < 2,
    },
  },
});

const router = createConsoleRouter(queryClient);

/** Mantine with the console's theme, its icon-only buttons named in the current language. */
function ConsoleMantineProvider({ children }: { readonly children: ReactNode }): ReactNode {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage;
  const theme = useMemo(
    () => themeWithLabels({ close: t('actions.close'), clear: t('actions.clear') }),
    // `t` changes with the language, and only then do the labels.
    [t, language],
  );
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      {children}
    </MantineProvider>
  );
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

// Translations are bundled, so this resolves at once; rendering waits so no key flashes.
void initI18n().then(() => {
  createRoot(container).render(
    <StrictMode>
      <ConsoleMantineProvider>
        <QueryClientProvider client={queryClient}>
          <Toaster>
            <RouterProvider router={router} />
          </Toaster>
        </QueryClientProvider>
      </ConsoleMantineProvider>
    </StrictMode>,
  );
});
