// The forms of directory administration, as data: each entity's fields, the body a form's values
// make for its API call, and the values an existing entity fills the form with. A body is checked
// with the same schema the server validates before it is sent (findProblems), so the form shows
// the server's rules next to the field that breaks them.
import {
  CALLING_LICENSES,
  CallFeatureCreate,
  CallFeatureUpdate,
  LocationCreate,
  LocationUpdate,
  PersonCreate,
  PersonUpdate,
  VirtualLineCreate,
  VirtualLineUpdate,
  WorkspaceCreate,
  WorkspaceUpdate,
  type CallFeature,
  type Location,
  type Person,
  type Role,
  type VirtualLine,
  type Workspace,
} from '@callvault/shared';
import type { RequestSchema } from '@callvault/shared';

export type FormValues = Readonly<Record<string, string>>;

/** The roles an administrator assigns in the console; `user` everybody has. */
export const ASSIGNABLE_ROLES = ['fullAdmin', 'readOnlyAdmin', 'complianceOfficer'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

/** Announcement languages offered in the forms (the codes the API takes). */
export const LANGUAGES = [
  'en_us',
  'en_gb',
  'sv_se',
  'nb_no',
  'da_dk',
  'fi_fi',
  'de_de',
  'fr_fr',
  'es_es',
] as const;

/** The field a problem at `path` (a JSON pointer into the body) belongs to. */
export function fieldOfPath(fields: readonly FieldSpec[], path: string): FieldKey | null {
  const field = fields.find((f) => f.paths.some((p) => path === p || path.startsWith(`${p}/`)));
  return field?.key ?? null;
}

export type FieldKind = 'text' | 'location' | 'license' | 'language' | 'roles';

export type FieldKey =
  | 'name'
  | 'timeZone'
  | 'announcementLanguage'
  | 'country'
  | 'email'
  | 'firstName'
  | 'lastName'
  | 'displayName'
  | 'locationId'
  | 'extension'
  | 'phoneNumber'
  | 'callingLicense'
  | 'roles';

export interface FieldSpec {
  /** The key in the form's values, and of the label in the `directory` namespace (`field.<key>`). */
  readonly key: FieldKey;
  readonly kind: FieldKind;
  readonly required?: boolean;
  /** JSON pointers of the body that this field fills: the schema's problems there show under it. */
  readonly paths: readonly string[];
  /** Shown only when creating (a virtual line's location cannot change afterwards). */
  readonly createOnly?: boolean;
}

export interface EntityForm<E> {
  readonly fields: readonly FieldSpec[];
  readonly createSchema: RequestSchema;
  readonly updateSchema: RequestSchema;
  valuesOf(entity: E): FormValues;
  createBody(values: FormValues): Record<string, unknown>;
  /** The changes from `entity` the values make; unchanged fields are left out. */
  updateBody(values: FormValues, entity: E): Record<string, unknown>;
}

const v = (values: FormValues, key: string): string => (values[key] ?? '').trim();

/** A text left blank is absent when creating. */
function present(value: string): string | undefined {
  return value === '' ? undefined : value;
}

/** Drops undefined members, so the body carries only what the form says. */
function compact(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

/** Keeps only the members that differ from `before` (compared as JSON). */
function changedOnly(
  body: Record<string, unknown>,
  before: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).filter(
      ([key, value]) =>
        value !== undefined && JSON.stringify(value) !== JSON.stringify(before[key]),
    ),
  );
}

/** Roles as the form holds them: the assignable ones, comma-separated. */
export function rolesValue(roles: readonly Role[]): string {
  return ASSIGNABLE_ROLES.filter((r) => roles.includes(r)).join(',');
}

/** The full role set from the form: `user`, the ticked roles, and any the form does not show. */
export function rolesFromValue(value: string, kept: readonly Role[] = []): Role[] {
  const ticked = value
    .split(',')
    .filter((r): r is AssignableRole => (ASSIGNABLE_ROLES as readonly string[]).includes(r));
  const others = kept.filter(
    (r) => r !== 'user' && !(ASSIGNABLE_ROLES as readonly Role[]).includes(r),
  );
  return ['user', ...ASSIGNABLE_ROLES.filter((r) => ticked.includes(r)), ...others];
}

export const LOCATION_FORM: EntityForm<Location> = {
  fields: [
    { key: 'name', kind: 'text', required: true, paths: ['/name'] },
    { key: 'timeZone', kind: 'text', paths: ['/timeZone'] },
    { key: 'announcementLanguage', kind: 'language', paths: ['/announcementLanguage'] },
    { key: 'country', kind: 'text', paths: ['/address'] },
  ],
  createSchema: LocationCreate,
  updateSchema: LocationUpdate,
  valuesOf: (l) => ({
    name: l.name,
    timeZone: l.timeZone,
    announcementLanguage: l.announcementLanguage,
    country: l.address.country ?? '',
  }),
  createBody: (values) =>
    compact({
      name: v(values, 'name'),
      timeZone: present(v(values, 'timeZone')),
      announcementLanguage: present(v(values, 'announcementLanguage')),
      address: present(v(values, 'country')) ? { country: v(values, 'country') } : undefined,
    }),
  updateBody: (values, l) =>
    changedOnly(
      {
        name: v(values, 'name'),
        timeZone: present(v(values, 'timeZone')),
        announcementLanguage: present(v(values, 'announcementLanguage')),
        address:
          v(values, 'country') === (l.address.country ?? '')
            ? undefined
            : { ...l.address, country: present(v(values, 'country')) },
      },
      { ...l },
    ),
};

/** A person's body from the form; `clear` is what a field left blank sends (undefined or null). */
function personBody(values: FormValues, clear: null | undefined): Record<string, unknown> {
  const phone = v(values, 'phoneNumber');
  return {
    emails: [v(values, 'email')],
    displayName: present(v(values, 'displayName')),
    firstName: v(values, 'firstName'),
    lastName: v(values, 'lastName'),
    extension: present(v(values, 'extension')) ?? clear,
    phoneNumbers:
      phone === '' ? (clear === null ? [] : undefined) : [{ type: 'work', value: phone }],
    locationId: present(v(values, 'locationId')) ?? clear,
    callingLicense: present(v(values, 'callingLicense')),
  };
}

export const PERSON_FORM: EntityForm<Person> = {
  fields: [
    { key: 'email', kind: 'text', required: true, paths: ['/emails'] },
    { key: 'firstName', kind: 'text', paths: ['/firstName'] },
    { key: 'lastName', kind: 'text', paths: ['/lastName'] },
    { key: 'displayName', kind: 'text', paths: ['/displayName'] },
    { key: 'locationId', kind: 'location', paths: ['/locationId'] },
    { key: 'extension', kind: 'text', paths: ['/extension'] },
    { key: 'phoneNumber', kind: 'text', paths: ['/phoneNumbers'] },
    { key: 'callingLicense', kind: 'license', paths: ['/callingLicense'] },
    { key: 'roles', kind: 'roles', paths: ['/roles'] },
  ],
  createSchema: PersonCreate,
  updateSchema: PersonUpdate,
  valuesOf: (p) => ({
    email: p.emails[0] ?? '',
    firstName: p.firstName,
    lastName: p.lastName,
    displayName: p.displayName,
    locationId: p.locationId ?? '',
    extension: p.extension ?? '',
    phoneNumber: p.phoneNumbers[0]?.value ?? '',
    callingLicense: p.callingLicense,
    roles: rolesValue(p.roles),
  }),
  createBody: (values) =>
    compact({
      ...personBody(values, undefined),
      firstName: present(v(values, 'firstName')),
      lastName: present(v(values, 'lastName')),
      roles: rolesFromValue(v(values, 'roles')),
    }),
  updateBody: (values, p) => {
    const roles = rolesFromValue(v(values, 'roles'), p.roles);
    const sameRoles = roles.length === p.roles.length && roles.every((r) => p.roles.includes(r));
    return changedOnly(
      {
        ...personBody(values, null),
        emails: v(values, 'email') === p.emails[0] ? undefined : [v(values, 'email')],
        phoneNumbers:
          v(values, 'phoneNumber') === (p.phoneNumbers[0]?.value ?? '')
            ? undefined
            : personBody(values, null).phoneNumbers,
        roles: sameRoles ? undefined : roles,
      },
      { ...p },
    );
  },
};

function phoneNumbersBody(values: FormValues, clear: boolean): unknown {
  const phone = v(values, 'phoneNumber');
  if (phone !== '') return [{ type: 'work', value: phone }];
  return clear ? [] : undefined;
}

export const WORKSPACE_FORM: EntityForm<Workspace> = {
  fields: [
    { key: 'displayName', kind: 'text', required: true, paths: ['/displayName'] },
    { key: 'locationId', kind: 'location', required: true, paths: ['/locationId'] },
    { key: 'extension', kind: 'text', paths: ['/extension'] },
    { key: 'phoneNumber', kind: 'text', paths: ['/phoneNumbers'] },
    { key: 'callingLicense', kind: 'license', paths: ['/callingLicense'] },
  ],
  createSchema: WorkspaceCreate,
  updateSchema: WorkspaceUpdate,
  valuesOf: (w) => ({
    displayName: w.displayName,
    locationId: w.locationId,
    extension: w.extension ?? '',
    phoneNumber: w.phoneNumbers[0]?.value ?? '',
    callingLicense: w.callingLicense,
  }),
  createBody: (values) =>
    compact({
      displayName: v(values, 'displayName'),
      locationId: v(values, 'locationId'),
      extension: present(v(values, 'extension')),
      phoneNumbers: phoneNumbersBody(values, false),
      callingLicense: present(v(values, 'callingLicense')),
    }),
  updateBody: (values, w) =>
    changedOnly(
      {
        displayName: v(values, 'displayName'),
        locationId: v(values, 'locationId'),
        extension: present(v(values, 'extension')) ?? null,
        phoneNumbers:
          v(values, 'phoneNumber') === (w.phoneNumbers[0]?.value ?? '')
            ? undefined
            : phoneNumbersBody(values, true),
        callingLicense: present(v(values, 'callingLicense')),
      },
      { ...w },
    ),
};

export const VIRTUAL_LINE_FORM: EntityForm<VirtualLine> = {
  fields: [
    { key: 'firstName', kind: 'text', required: true, paths: ['/firstName'] },
    { key: 'lastName', kind: 'text', required: true, paths: ['/lastName'] },
    { key: 'displayName', kind: 'text', paths: ['/displayName'] },
    {
      key: 'locationId',
      kind: 'location',
      required: true,
      paths: ['/locationId'],
      createOnly: true,
    },
    { key: 'extension', kind: 'text', paths: ['/extension'] },
    { key: 'phoneNumber', kind: 'text', paths: ['/phoneNumber'] },
  ],
  createSchema: VirtualLineCreate,
  updateSchema: VirtualLineUpdate,
  valuesOf: (l) => ({
    firstName: l.firstName,
    lastName: l.lastName,
    displayName: l.displayName,
    locationId: l.location.id,
    extension: l.number.extension ?? '',
    phoneNumber: l.number.external ?? '',
  }),
  createBody: (values) =>
    compact({
      firstName: v(values, 'firstName'),
      lastName: v(values, 'lastName'),
      displayName: present(v(values, 'displayName')),
      locationId: v(values, 'locationId'),
      extension: present(v(values, 'extension')),
      phoneNumber: present(v(values, 'phoneNumber')),
    }),
  updateBody: (values, l) =>
    changedOnly(
      {
        firstName: v(values, 'firstName'),
        lastName: v(values, 'lastName'),
        displayName: present(v(values, 'displayName')),
        extension: present(v(values, 'extension')) ?? null,
        phoneNumber: present(v(values, 'phoneNumber')) ?? null,
      },
      { ...l, extension: l.number.extension, phoneNumber: l.number.external },
    ),
};

export const CALL_FEATURE_FORM: EntityForm<CallFeature> = {
  fields: [
    { key: 'name', kind: 'text', required: true, paths: ['/name'] },
    { key: 'extension', kind: 'text', paths: ['/extension'] },
    { key: 'phoneNumber', kind: 'text', paths: ['/phoneNumber'] },
  ],
  createSchema: CallFeatureCreate,
  updateSchema: CallFeatureUpdate,
  valuesOf: (f) => ({
    name: f.name,
    extension: f.extension ?? '',
    phoneNumber: f.phoneNumber ?? '',
  }),
  createBody: (values) =>
    compact({
      name: v(values, 'name'),
      extension: present(v(values, 'extension')),
      phoneNumber: present(v(values, 'phoneNumber')),
    }),
  updateBody: (values, f) =>
    changedOnly(
      {
        name: v(values, 'name'),
        extension: present(v(values, 'extension')) ?? null,
        phoneNumber: present(v(values, 'phoneNumber')) ?? null,
      },
      { ...f },
    ),
};

export { CALLING_LICENSES };
