// The recording-trunk form's checks: the body it would send is checked with the API's own schema
// (RecordingTrunkCreate, as the server validates it) and the server's rule that a client
// certificate requirement names a CA bundle or a pin. A switched-off part (digest, client
// certificate) is sent as null, so its fields are not checked. Each problem is on one field and
// worded by field and rule in the reader's language.
import {
  RecordingTrunkCreate,
  findProblems,
  type FieldProblem,
  type RecordingTrunkCreate as TrunkBody,
} from '@callvault/shared';
import type { TFunction } from 'i18next';

export type TrunkField =
  | 'name'
  | 'sources'
  | 'country'
  | 'ownDomains'
  | 'username'
  | 'realm'
  | 'password'
  | 'certificate'
  | 'fingerprints'
  | 'subjects'
  | 'defaultOwner';

export interface TrunkProblem {
  readonly field: TrunkField;
  readonly rule: FieldProblem['rule'] | 'caOrPin' | 'choose';
  readonly limit?: number;
}

/** Addresses as typed in the box: one per line, or separated by commas or spaces. */
export function splitSources(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const FIELD_OF_PATH: readonly [RegExp, TrunkField][] = [
  [/^\/name$/, 'name'],
  [/^\/allowedSources(\/|$)/, 'sources'],
  [/^\/country$/, 'country'],
  [/^\/ownDomains(\/|$)/, 'ownDomains'],
  [/^\/digest\/username$/, 'username'],
  [/^\/digest\/realm$/, 'realm'],
  [/^\/digest\/password$/, 'password'],
  [/^\/clientCertificate\/fingerprints(\/|$)/, 'fingerprints'],
  [/^\/clientCertificate\/subjects(\/|$)/, 'subjects'],
  [/^\/clientCertificate(\/|$)/, 'certificate'],
  [/^\/defaultOwner(\/|$)/, 'defaultOwner'],
];

const DIGEST = RecordingTrunkCreate.properties.digest.anyOf[0];
const CERTIFICATE = RecordingTrunkCreate.properties.clientCertificate.anyOf[0];

function prefixed(prefix: string, problems: readonly FieldProblem[]): FieldProblem[] {
  return problems.map((p) => ({ ...p, path: `${prefix}${p.path}` }));
}

/** Every field's first problem with the body the form would send. */
export function checkTrunkBody(
  body: TrunkBody,
  state: { readonly choosingOwner: boolean },
): Partial<Record<TrunkField, TrunkProblem>> {
  const found: Partial<Record<TrunkField, TrunkProblem>> = {};
  // A `X | null` field reports only its first problem through the union: a given digest or
  // certificate is checked against its own schema too, so each of its fields shows its problem.
  const problems = [
    ...findProblems(RecordingTrunkCreate, body),
    ...prefixed('/digest', body.digest ? findProblems(DIGEST, body.digest) : []),
    ...prefixed(
      '/clientCertificate',
      body.clientCertificate ? findProblems(CERTIFICATE, body.clientCertificate) : [],
    ),
  ];
  for (const problem of problems) {
    const field = FIELD_OF_PATH.find(([pattern]) => pattern.test(problem.path))?.[1];
    if (field === undefined || found[field] !== undefined) continue;
    // No address at all is a list left empty: the same as a field left blank.
    const rule = problem.rule === 'minItems' && field === 'sources' ? 'required' : problem.rule;
    found[field] = {
      field,
      rule,
      ...(problem.limit === undefined ? {} : { limit: problem.limit }),
    };
  }
  const certificate = body.clientCertificate;
  if (
    certificate &&
    found.certificate === undefined &&
    (certificate.caBundle ?? null) === null &&
    (certificate.fingerprints ?? []).length === 0
  ) {
    found.certificate = { field: 'certificate', rule: 'caOrPin' };
  }
  if (state.choosingOwner) found.defaultOwner = { field: 'defaultOwner', rule: 'choose' };
  return found;
}

/** The sentence for a problem: the field's own wording where it has one, else the rule's. */
export function trunkProblemText(t: TFunction<'trunks'>, problem: TrunkProblem): string {
  const count = problem.limit ?? 1;
  switch (`${problem.field}.${problem.rule}`) {
    case 'name.required':
      return t('problem.name.required');
    case 'sources.required':
      return t('problem.sources.required');
    case 'username.required':
      return t('problem.username.required');
    case 'realm.required':
      return t('problem.realm.required');
    case 'password.required':
    case 'password.minLength':
      return t('problem.password.minLength', { count: problem.limit ?? 8 });
    case 'country.pattern':
      return t('problem.country.pattern');
    case 'fingerprints.pattern':
      return t('problem.fingerprints.pattern');
    case 'certificate.caOrPin':
      return t('problem.certificate.caOrPin');
    case 'defaultOwner.choose':
      return t('problem.defaultOwner.choose');
  }
  switch (problem.rule) {
    case 'required':
      return t('problem.required');
    case 'maxLength':
      return t('problem.maxLength', { count });
    case 'maxItems':
      return t('problem.maxItems', { count });
    case 'minLength':
    case 'minItems':
    case 'pattern':
    case 'format':
    case 'allowedValues':
    case 'unknownField':
    case 'type':
    case 'caOrPin':
    case 'choose':
      return t('problem.other');
  }
}
