// Webex ids and the plain UUIDs Webex shows in recording objects: both forms name the same thing.
import { describe, expect, it } from 'vitest';
import { idFormsOf, idType, newId, normaliseUuid, uuidOfId } from './ids.js';

const UUID = '24683d6c-5529-4b60-a6c7-91e8b293bbab';
const person = Buffer.from(`ciscospark://us/PEOPLE/${UUID}`).toString('base64url');

describe('Webex ids and plain UUIDs', () => {
  it('the UUID of a Webex id is the one it encodes; other strings stay as they are', () => {
    expect(uuidOfId(person)).toBe(UUID);
    const fresh = newId('LOCATION');
    expect(idType(fresh)).toBe('LOCATION');
    expect(uuidOfId(fresh)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(uuidOfId('not-an-id')).toBe('not-an-id');
    expect(uuidOfId(UUID)).toBe(UUID);
  });

  it('a UUID, dashed or 32-hex, any case, names the Webex id of each type given', () => {
    expect(normaliseUuid(UUID.replaceAll('-', '').toUpperCase())).toBe(UUID);
    expect(normaliseUuid('24683d6c')).toBeNull();
    expect(idFormsOf(UUID, ['PEOPLE', 'WORKSPACE'])).toEqual([
      person,
      Buffer.from(`ciscospark://us/WORKSPACE/${UUID}`).toString('base64url'),
    ]);
    expect(idFormsOf(UUID.replaceAll('-', ''), ['PEOPLE'])).toEqual([person]);
  });

  it('a Webex id in standard base64 with padding, or from another cluster, names the stored form', () => {
    const padded = Buffer.from(`ciscospark://us/PEOPLE/${UUID}`).toString('base64');
    expect(padded).not.toBe(person);
    expect(idFormsOf(padded, ['PEOPLE'])).toContain(person);
    const otherCluster = Buffer.from(
      `ciscospark://urn:TEAM:eu-central-1_k/PEOPLE/${UUID}`,
    ).toString('base64');
    expect(idFormsOf(otherCluster, ['PEOPLE'])).toContain(person);
    expect(idFormsOf(person, ['PEOPLE'])).toEqual([person]);
    expect(idFormsOf('someone', ['PEOPLE'])).toEqual(['someone']);
  });
});
