import { describe, expect, it } from 'vitest';
import { AdminSetPasswordBody } from './schemas/auth.js';
import { LocationCreate, PersonCreate, WorkspaceCreate } from './schemas/org.js';
import { findProblems } from './validate.js';

describe('findProblems', () => {
  it('accepts a body the schema accepts', () => {
    expect(
      findProblems(PersonCreate, {
        emails: ['ann@example.com'],
        displayName: 'Ann',
        extension: '1234',
        roles: ['user', 'complianceOfficer'],
      }),
    ).toEqual([]);
  });

  it('names a malformed email, an extension that breaks its pattern and an unknown role', () => {
    expect(
      findProblems(PersonCreate, {
        emails: ['not-an-email'],
        extension: '12a',
        roles: ['superuser'],
      }),
    ).toEqual([
      { path: '/emails/0', rule: 'format' },
      { path: '/extension', rule: 'pattern' },
      { path: '/roles/0', rule: 'allowedValues' },
    ]);
  });

  it('reports a missing or empty required field as required, and a too-long one with its limit', () => {
    expect(findProblems(WorkspaceCreate, { displayName: '' })).toEqual([
      { path: '/locationId', rule: 'required' },
      { path: '/displayName', rule: 'required' },
    ]);
    expect(findProblems(LocationCreate, { name: 'x'.repeat(81) })).toEqual([
      { path: '/name', rule: 'maxLength', limit: 80 },
    ]);
    expect(findProblems(PersonCreate, { emails: [] })).toEqual([
      { path: '/emails', rule: 'minItems', limit: 1 },
    ]);
  });

  it('gives the password length the server requires', () => {
    expect(findProblems(AdminSetPasswordBody, { password: 'short' })).toEqual([
      { path: '/password', rule: 'minLength', limit: 12 },
    ]);
  });
});
