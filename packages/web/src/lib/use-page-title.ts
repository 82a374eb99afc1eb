import { useEffect } from 'react';

/** Sets the document title to "<page> · Callvault" while the page is shown. */
export function usePageTitle(title: string): void {
  useEffect(() => void (document.title = `${title} · Callvault`), [title]);
}
