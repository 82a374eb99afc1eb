// The document title of the page on show ("People · Callvault"), so a tab, the history and a
// screen reader's announcement of the page name it (WCAG 2.4.2).
import { useEffect } from 'react';

export const APP_TITLE = 'Callvault';

/** `title · Callvault`, or just `Callvault` without a page title. */
export function pageTitle(title: string | undefined): string {
  return title ? `${title} · ${APP_TITLE}` : APP_TITLE;
}

export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = pageTitle(title);
  }, [title]);
}
