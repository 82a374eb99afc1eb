// A signed download link with the viewer's time zone added, so the file is named after the time
// the viewer sees (`2026-12-05 1007 Åsa Öberg – Call with Bob.ogg`); the signature does not cover it.

export function withViewerTimeZone(link: string, zone = viewerTimeZone()): string {
  if (!zone) return link;
  const url = new URL(link, window.location.href);
  url.searchParams.set('timezone', zone);
  return url.toString();
}

export function viewerTimeZone(): string | undefined {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
