import { findProblems, type Person, type Workspace } from '@callvault/shared';
import { describe, expect, it } from 'vitest';
import { fieldOfPath, PERSON_FORM, rolesFromValue, WORKSPACE_FORM } from './entity-forms.js';

const dave: Person = {
  id: 'p1',
  emails: ['dave@example.com'],
  displayName: 'Dave Dahl',
  firstName: 'Dave',
  lastName: 'Dahl',
  extension: '2002',
  phoneNumbers: [],
  sipAddresses: [],
  locationId: 'loc-1',
  orgId: 'org',
  callingLicense: 'professional',
  announcementLanguage: 'en_us',
  roles: ['user'],
  created: '2026-01-01T00:00:00.000Z',
  lastModified: '2026-01-01T00:00:00.000Z',
};

describe('the person form', () => {
  it('creates a person with the fields filled in and always the user role', () => {
    const body = PERSON_FORM.createBody({
      email: ' ann@example.com ',
      firstName: 'Ann',
      lastName: '',
      locationId: 'loc-1',
      extension: '2001',
      roles: 'complianceOfficer',
    });
    expect(body).toEqual({
      emails: ['ann@example.com'],
      firstName: 'Ann',
      extension: '2001',
      locationId: 'loc-1',
      roles: ['user', 'complianceOfficer'],
    });
    expect(findProblems(PERSON_FORM.createSchema, body)).toEqual([]);
  });

  it('sends only what changed: a role ticked; a cleared extension becomes null', () => {
    const values = PERSON_FORM.valuesOf(dave);
    expect(PERSON_FORM.updateBody({ ...values, roles: 'readOnlyAdmin' }, dave)).toEqual({
      roles: ['user', 'readOnlyAdmin'],
    });
    expect(PERSON_FORM.updateBody({ ...values, extension: '' }, dave)).toEqual({
      extension: null,
    });
    expect(PERSON_FORM.updateBody(values, dave)).toEqual({});
  });

  it('keeps roles the form does not show (a partner administrator stays one)', () => {
    expect(rolesFromValue('fullAdmin', ['user', 'partnerAdmin'])).toEqual([
      'user',
      'fullAdmin',
      'partnerAdmin',
    ]);
  });

  it('places a schema problem under the field that fills that part of the body', () => {
    const problems = findProblems(
      PERSON_FORM.createSchema,
      PERSON_FORM.createBody({ email: 'nope', phoneNumber: 'x1' }),
    );
    expect(problems.map((p) => [fieldOfPath(PERSON_FORM.fields, p.path), p.rule])).toEqual([
      ['email', 'format'],
      ['phoneNumber', 'pattern'],
    ]);
  });
});

describe('the workspace form', () => {
  const reception: Workspace = {
    id: 'w1',
    displayName: 'Reception',
    orgId: 'org',
    locationId: 'loc-1',
    extension: '1000',
    phoneNumbers: [{ type: 'work', value: '+4685550100' }],
    sipAddress: null,
    callingLicense: 'professional',
    announcementLanguage: 'en_us',
    created: '2026-01-01T00:00:00.000Z',
  };

  it('requires a name and a location when creating', () => {
    expect(findProblems(WORKSPACE_FORM.createSchema, WORKSPACE_FORM.createBody({}))).toEqual([
      { path: '/displayName', rule: 'required' },
      { path: '/locationId', rule: 'required' },
    ]);
  });

  it('clears the phone number with an empty list', () => {
    const values = { ...WORKSPACE_FORM.valuesOf(reception), phoneNumber: '' };
    expect(WORKSPACE_FORM.updateBody(values, reception)).toEqual({ phoneNumbers: [] });
  });
});
