// "Skip to main content": the first thing a keyboard reaches on every console page, so the header
// and navigation need not be tabbed through on each page (WCAG 2.4.1).
import type { MouseEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export const MAIN_CONTENT_ID = 'main-content';

export function SkipLink(): ReactNode {
  const { t } = useTranslation('a11y');
  // Moving focus by script too: a hash change alone would not move it inside a client-side route.
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    const main = document.getElementById(MAIN_CONTENT_ID);
    if (!main) return;
    event.preventDefault();
    main.focus();
    main.scrollIntoView();
  };
  return (
    <a className="cv-skip-link" href={`#${MAIN_CONTENT_ID}`} onClick={onClick}>
      {t('skipToContent')}
    </a>
  );
}
