// The compliance pages' API (SPEC §9.2): the audit log (list, CSV export, chain verification),
// legal holds, usage with its breakdown, history and thresholds, and the retention policy with
// the preview of the next purge.
import type {
  AuditEventDto,
  AuditVerificationDto,
  LegalHold,
  LegalHoldCreate,
  QuotaThresholds,
  RecordingPolicy,
  RetentionPreview,
  Usage,
  UsageBreakdown,
  UsageHistory,
} from '@callvault/shared';
import { api, buildPath, type Page } from './client.js';

export interface AuditFilter {
  readonly action?: string;
  readonly actorId?: string;
  readonly targetId?: string;
  /** ISO instants */
  readonly from?: string;
  readonly to?: string;
}

export const AUDIT_PAGE_SIZE = 100;

export function listAuditEvents(
  filter: AuditFilter,
  nextPath: string | null,
  signal?: AbortSignal,
): Promise<Page<{ items: AuditEventDto[] }>> {
  if (nextPath !== null) return api.getPage(nextPath, { signal });
  return api.getPage('/api/audit', { query: { ...filter, max: AUDIT_PAGE_SIZE }, signal });
}

/** Where the browser downloads the filtered events as CSV (a plain GET with the session cookie). */
export function auditExportPath(filter: AuditFilter): string {
  return buildPath('/api/audit/export', { ...filter });
}

export function verifyAuditChain(): Promise<AuditVerificationDto> {
  return api.post('/api/audit/verify');
}

export async function listLegalHolds(
  status: 'active' | 'released' | 'all',
  signal?: AbortSignal,
): Promise<LegalHold[]> {
  return (await api.get<{ items: LegalHold[] }>('/api/legal-holds', { query: { status }, signal }))
    .items;
}

export function createLegalHold(body: LegalHoldCreate): Promise<LegalHold> {
  return api.post('/api/legal-holds', { body });
}

export function releaseLegalHold(id: string, reason: string): Promise<LegalHold> {
  return api.post(`/api/legal-holds/${encodeURIComponent(id)}/release`, { body: { reason } });
}

export function fetchUsage(signal?: AbortSignal): Promise<Usage> {
  return api.get('/api/usage', { signal });
}

export function fetchUsageBreakdown(signal?: AbortSignal): Promise<UsageBreakdown> {
  return api.get('/api/usage/breakdown', { signal });
}

export function fetchUsageHistory(signal?: AbortSignal): Promise<UsageHistory> {
  return api.get('/api/usage/history', { query: { days: 90 }, signal });
}

export function fetchQuotaThresholds(signal?: AbortSignal): Promise<QuotaThresholds> {
  return api.get('/api/usage/thresholds', { signal });
}

export function fetchRecordingPolicy(signal?: AbortSignal): Promise<RecordingPolicy> {
  return api.get('/api/recording-policy', { signal });
}

export function updateRetention(retentionDays: number): Promise<RecordingPolicy> {
  return api.put('/api/recording-policy', { body: { retentionDays } });
}

export function previewRetention(
  retentionDays: number,
  signal?: AbortSignal,
): Promise<RetentionPreview> {
  return api.get('/api/recording-policy/retention-preview', {
    query: { retentionDays },
    signal,
  });
}
