import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from '../roles.js';
import { literalUnion } from './literal-union.js';

export const RoleSchema = literalUnion(ROLES);

/** The languages the web console is written in. */
export const CONSOLE_LANGUAGES = ['en', 'sv'] as const;
export const ConsoleLanguage = literalUnion(CONSOLE_LANGUAGES);
export type ConsoleLanguage = Static<typeof ConsoleLanguage>;

export const Me = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  orgId: Type.String(),
  orgName: Type.String(),
  roles: Type.Array(RoleSchema),
  mustChangePassword: Type.Boolean(),
  language: Type.Union([ConsoleLanguage, Type.Null()], {
    description:
      'The console language the person chose; null = none chosen, the console follows the browser',
  }),
});
export type Me = Static<typeof Me>;

export const ConsoleLanguageBody = Type.Object({
  language: Type.Union([ConsoleLanguage, Type.Null()], {
    description: 'The console language to remember for you; null forgets the choice',
  }),
});
export type ConsoleLanguageBody = Static<typeof ConsoleLanguageBody>;

export const LoginBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type LoginBody = Static<typeof LoginBody>;

export const SessionResponse = Type.Object({ user: Me, csrfToken: Type.String() });
export type SessionResponse = Static<typeof SessionResponse>;

export const ChangePasswordBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  newPassword: Type.String({ minLength: 12, maxLength: 1024 }),
});
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const TokenCreateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
});

export const TokenCreated = Type.Object({
  id: Type.String(),
  name: Type.String(),
  token: Type.String({ description: 'shown once; store it now' }),
  created: Type.String(),
  expires: Type.Union([Type.String(), Type.Null()]),
});

export const TokenInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  created: Type.String(),
  expires: Type.Union([Type.String(), Type.Null()]),
  lastUsed: Type.Union([Type.String(), Type.Null()]),
});

/** The shortest console password the server accepts (own change, administrator's set, CLI). */
export const MIN_PASSWORD_LENGTH = 12;

export const AdminSetPasswordBody = Type.Object(
  {
    password: Type.Optional(
      Type.String({
        minLength: MIN_PASSWORD_LENGTH,
        maxLength: 1024,
        description: 'The new password; leave it out to have a one-time password generated',
      }),
    ),
    mustChange: Type.Optional(
      Type.Boolean({
        description:
          'Must the person choose their own password at the next sign-in (default true; always true for a generated one)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AdminSetPasswordBody = Static<typeof AdminSetPasswordBody>;

export const AdminSetPasswordResult = Type.Object({
  oneTimePassword: Type.Union([Type.String(), Type.Null()], {
    description: 'The generated one-time password, shown in this answer only; null when given',
  }),
  mustChangePassword: Type.Boolean(),
});
export type AdminSetPasswordResult = Static<typeof AdminSetPasswordResult>;
