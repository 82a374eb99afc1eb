import { useEffect } from 'react';

/** Sets the document title to "<title> · Callvault" while the page is shown. */
export const usePageTitle = (title: string): void =>
  useEffect(() => void (document.title = `${title} · Callvault`), [title]);
