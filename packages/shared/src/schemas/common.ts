import { Type, type Static } from '@sinclair/typebox';

/** The Webex error body (SPEC §9.1): every 4xx and 5xx answer has this shape. */
export const ErrorBody = Type.Object(
  {
    message: Type.String(),
    errors: Type.Array(
      Type.Object({
        description: Type.String(),
        errorCode: Type.Integer({
          description: 'Webex: an integer, one per `code` (docs/errors.md lists them)',
        }),
        code: Type.String({ description: 'Callvault: the stable error code, e.g. NOT_FOUND' }),
      }),
    ),
    trackingId: Type.String(),
  },
  { description: 'Webex-style error' },
);
export type ErrorBody = Static<typeof ErrorBody>;

export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/** `max` paging as Webex does it; the next page is in the `Link` header. */
export const PagingQuery = {
  max: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'page size' })),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: 'from the Link header' })),
};

/** Partner administrators act on a customer org with `?orgId=`. */
export const OrgQuery = {
  orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
};

export const LanguageCode = Type.String({
  pattern: '^[a-z]{2}_[a-z]{2}$',
  description: 'announcement language, e.g. en_us, sv_se',
});

export const PhoneNumber = Type.String({ pattern: '^\\+?[0-9]{2,20}$' });
export const Extension = Type.String({ pattern: '^[0-9]{2,10}$' });
