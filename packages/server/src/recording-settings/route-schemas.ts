// Schemas and paths the call-recording settings routes share.
import { ErrorBody, OrgQuery } from '@callvault/shared';
import { Type } from '@sinclair/typebox';

export const errors = { '4xx': ErrorBody };
export const noContent = { 204: Type.Null(), ...errors };
export const Query = Type.Object(OrgQuery);
export const LocationParam = Type.Object({
  locationId: Type.String({ minLength: 1, maxLength: 200 }),
});
export const tags = ['call recording settings'];
export const ORG_PATH = '/v1/telephony/config/callRecording';
export const LOCATION_PATH = '/v1/telephony/config/locations/:locationId/callRecording';
