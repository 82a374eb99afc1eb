// The words of directory administration for what the schema or the server refused: one sentence
// per broken rule (the same rule the server applies), and the server's stable error codes.
import type { FieldProblem } from '@callvault/shared';
import type { TFunction } from 'i18next';
import { ApiError } from '../../../api/client.js';
import type { FieldKey } from './entity-forms.js';

type DirectoryT = TFunction<'directory'>;

export function problemText(t: DirectoryT, field: FieldKey | null, problem: FieldProblem): string {
  switch (problem.rule) {
    case 'required':
      return t('problem.required');
    case 'minLength':
      return t('problem.minLength', { count: problem.limit ?? 1 });
    case 'maxLength':
      return t('problem.maxLength', { count: problem.limit ?? 1 });
    case 'pattern':
      if (field === 'extension') return t('problem.pattern.extension');
      if (field === 'phoneNumber') return t('problem.pattern.phoneNumber');
      if (field === 'country') return t('problem.pattern.country');
      return t('problem.pattern.other');
    case 'format':
      return t('problem.format');
    case 'allowedValues':
      return t('problem.allowedValues');
    case 'minItems':
      return t('problem.minItems', { count: problem.limit ?? 1 });
    case 'maxItems':
      return t('problem.maxItems', { count: problem.limit ?? 1 });
    case 'unknownField':
      return t('problem.unknownField');
    case 'type':
      return t('problem.type');
  }
}

/** Server refusals the console words itself; any other shows the server's own sentence. */
const KNOWN_CODES = [
  'EMAIL_IN_USE',
  'EXTENSION_IN_USE',
  'NUMBER_IN_USE',
  'LOCATION_IN_USE',
  'CONFLICT',
  'OWN_ROLES_UNCHANGEABLE',
  'FORBIDDEN',
  'NOT_FOUND',
  'LICENSE_REQUIRED',
] as const;
type KnownCode = (typeof KNOWN_CODES)[number];

function isKnownCode(code: string | null): code is KnownCode {
  return code !== null && (KNOWN_CODES as readonly string[]).includes(code);
}

export function errorText(t: DirectoryT, error: Error): string {
  if (error instanceof ApiError) {
    const code = error.errorCode;
    if (isKnownCode(code)) return t(`serverError.${code}`, { message: error.body?.message ?? '' });
    if (error.status === 403) return t('serverError.FORBIDDEN');
    if (error.body !== null) return error.body.message;
    return t('serverError.status', { status: error.status });
  }
  if (error instanceof TypeError) return t('serverError.offline');
  return error.message;
}
