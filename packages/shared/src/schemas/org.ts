// Webex-shaped organisation resources (SPEC §2, §9.1). Field names follow the Webex APIs.
import { Type, type Static } from '@sinclair/typebox';
import { CALLING_LICENSES } from '../roles.js';
import { RoleSchema } from './auth.js';
import { Extension, LanguageCode, PhoneNumber } from './common.js';
import { literalUnion } from './literal-union.js';

export const CallingLicenseSchema = literalUnion(CALLING_LICENSES);

export const Organization = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  created: Type.String(),
});
export type Organization = Static<typeof Organization>;

export const Address = Type.Object({
  address1: Type.Optional(Type.String({ maxLength: 200 })),
  city: Type.Optional(Type.String({ maxLength: 100 })),
  postalCode: Type.Optional(Type.String({ maxLength: 20 })),
  country: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z]{2}$',
      description:
        'ISO 3166-1 alpha-2; also the dial plan national numbers of people here are read with',
    }),
  ),
});

export const Location = Type.Object({
  id: Type.String(),
  name: Type.String(),
  orgId: Type.String(),
  timeZone: Type.String(),
  announcementLanguage: Type.String(),
  address: Address,
});
export type Location = Static<typeof Location>;

export const LocationList = Type.Object({ items: Type.Array(Location) });
export type LocationList = Static<typeof LocationList>;

export const LocationCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  announcementLanguage: Type.Optional(LanguageCode),
  address: Type.Optional(Address),
});
export const LocationUpdate = Type.Partial(LocationCreate);

export const WorkPhoneNumber = Type.Object({
  type: Type.Union([Type.Literal('work'), Type.Literal('mobile'), Type.Literal('fax')]),
  value: PhoneNumber,
});

export const Person = Type.Object({
  id: Type.String(),
  emails: Type.Array(Type.String()),
  displayName: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  extension: Type.Union([Type.String(), Type.Null()]),
  phoneNumbers: Type.Array(WorkPhoneNumber),
  sipAddresses: Type.Array(Type.String()),
  locationId: Type.Union([Type.String(), Type.Null()]),
  orgId: Type.String(),
  callingLicense: CallingLicenseSchema,
  announcementLanguage: Type.String(),
  roles: Type.Array(RoleSchema),
  created: Type.String(),
  lastModified: Type.String(),
});
export type Person = Static<typeof Person>;

export const PersonList = Type.Object({ items: Type.Array(Person) });
export type PersonList = Static<typeof PersonList>;

const Email = Type.String({ format: 'email', maxLength: 320 });

export const PersonCreate = Type.Object({
  emails: Type.Array(Email, { minItems: 1, maxItems: 5 }),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  firstName: Type.Optional(Type.String({ maxLength: 100 })),
  lastName: Type.Optional(Type.String({ maxLength: 100 })),
  extension: Type.Optional(Type.Union([Extension, Type.Null()])),
  phoneNumbers: Type.Optional(Type.Array(WorkPhoneNumber, { maxItems: 10 })),
  sipAddress: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
  locationId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  callingLicense: Type.Optional(CallingLicenseSchema),
  announcementLanguage: Type.Optional(LanguageCode),
  roles: Type.Optional(Type.Array(RoleSchema, { maxItems: 5 })),
});
export type PersonCreate = Static<typeof PersonCreate>;
export const PersonUpdate = Type.Partial(PersonCreate);
export type PersonUpdate = Static<typeof PersonUpdate>;

export const PeopleQuery = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 320 })),
  displayName: Type.Optional(Type.String({ maxLength: 200 })),
  locationId: Type.Optional(Type.String({ maxLength: 200 })),
});
export type PeopleQuery = Static<typeof PeopleQuery>;

export const Workspace = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  orgId: Type.String(),
  locationId: Type.String(),
  extension: Type.Union([Type.String(), Type.Null()]),
  phoneNumbers: Type.Array(WorkPhoneNumber),
  sipAddress: Type.Union([Type.String(), Type.Null()]),
  callingLicense: CallingLicenseSchema,
  announcementLanguage: Type.String(),
  created: Type.String(),
});
export type Workspace = Static<typeof Workspace>;

export const WorkspaceList = Type.Object({ items: Type.Array(Workspace) });
export type WorkspaceList = Static<typeof WorkspaceList>;

export const WorkspaceCreate = Type.Object({
  displayName: Type.String({ minLength: 1, maxLength: 200 }),
  locationId: Type.String({ minLength: 1 }),
  extension: Type.Optional(Type.Union([Extension, Type.Null()])),
  phoneNumbers: Type.Optional(Type.Array(WorkPhoneNumber, { maxItems: 10 })),
  sipAddress: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
  callingLicense: Type.Optional(CallingLicenseSchema),
  announcementLanguage: Type.Optional(LanguageCode),
});
export type WorkspaceCreate = Static<typeof WorkspaceCreate>;
export const WorkspaceUpdate = Type.Partial(WorkspaceCreate);
export type WorkspaceUpdate = Static<typeof WorkspaceUpdate>;

export const VirtualLine = Type.Object({
  id: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  displayName: Type.String(),
  number: Type.Object({
    external: Type.Union([Type.String(), Type.Null()]),
    extension: Type.Union([Type.String(), Type.Null()]),
  }),
  location: Type.Object({ id: Type.String(), name: Type.String() }),
  announcementLanguage: Type.String(),
});
export type VirtualLine = Static<typeof VirtualLine>;

/** `GET /v1/telephony/config/virtualLines`: a page of lines and how many the filter matches. */
export const VirtualLineList = Type.Object({
  virtualLines: Type.Array(VirtualLine),
  total: Type.Integer(),
});
export type VirtualLineList = Static<typeof VirtualLineList>;

export const VirtualLineCreate = Type.Object({
  firstName: Type.String({ minLength: 1, maxLength: 100 }),
  lastName: Type.String({ minLength: 1, maxLength: 100 }),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  locationId: Type.String({ minLength: 1 }),
  extension: Type.Optional(Type.Union([Extension, Type.Null()])),
  phoneNumber: Type.Optional(Type.Union([PhoneNumber, Type.Null()])),
  announcementLanguage: Type.Optional(LanguageCode),
});
export type VirtualLineCreate = Static<typeof VirtualLineCreate>;
export const VirtualLineUpdate = Type.Partial(Type.Omit(VirtualLineCreate, ['locationId']));
export type VirtualLineUpdate = Static<typeof VirtualLineUpdate>;

export const CALL_FEATURE_KINDS = ['autoAttendants', 'queues', 'huntGroups'] as const;
export type CallFeatureKind = (typeof CALL_FEATURE_KINDS)[number];

export const CallFeature = Type.Object({
  id: Type.String(),
  name: Type.String(),
  locationId: Type.String(),
  extension: Type.Union([Type.String(), Type.Null()]),
  phoneNumber: Type.Union([Type.String(), Type.Null()]),
  announcementLanguage: Type.String(),
});
export type CallFeature = Static<typeof CallFeature>;

export const CallFeatureCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  extension: Type.Optional(Type.Union([Extension, Type.Null()])),
  phoneNumber: Type.Optional(Type.Union([PhoneNumber, Type.Null()])),
  announcementLanguage: Type.Optional(LanguageCode),
});
export type CallFeatureCreate = Static<typeof CallFeatureCreate>;
export const CallFeatureUpdate = Type.Partial(CallFeatureCreate);
export type CallFeatureUpdate = Static<typeof CallFeatureUpdate>;

/** The people who have a virtual line on their phone as a secondary line (Callvault API). */
export const SecondaryLineUsers = Type.Object({
  personIds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100 }),
});
export type SecondaryLineUsers = Static<typeof SecondaryLineUsers>;
