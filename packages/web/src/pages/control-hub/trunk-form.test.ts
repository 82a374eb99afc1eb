import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { setTestLanguage } from '../../i18n/testing.js';
import { checkTrunkBody, splitSources, trunkProblemText } from './trunk-form.js';

beforeAll(() => setTestLanguage('en'));

const good = { name: 'Stockholm SBC', allowedSources: ['192.0.2.10'] };

describe('checkTrunkBody (the API schema the server validates with)', () => {
  it('accepts a named trunk with an address, digest and certificate off', () => {
    expect(
      checkTrunkBody({ ...good, digest: null, clientCertificate: null }, { choosingOwner: false }),
    ).toEqual({});
  });

  it('puts each problem on its field, as the server would refuse it', () => {
    const problems = checkTrunkBody(
      {
        name: 'x'.repeat(81),
        allowedSources: [],
        country: 'Sweden',
        digest: { username: '', realm: 'pbx', password: 'short' },
        clientCertificate: { caBundle: null, fingerprints: ['AB:CD'], subjects: [] },
      },
      { choosingOwner: true },
    );
    expect(problems).toEqual({
      name: { field: 'name', rule: 'maxLength', limit: 80 },
      sources: { field: 'sources', rule: 'required', limit: 1 },
      country: { field: 'country', rule: 'pattern' },
      username: { field: 'username', rule: 'required' },
      password: { field: 'password', rule: 'minLength', limit: 8 },
      fingerprints: { field: 'fingerprints', rule: 'pattern' },
      defaultOwner: { field: 'defaultOwner', rule: 'choose' },
    });
  });

  it('needs a CA bundle or a pin only while a client certificate is required', () => {
    const body = { ...good, clientCertificate: { caBundle: null, fingerprints: [], subjects: [] } };
    expect(checkTrunkBody(body, { choosingOwner: false }).certificate?.rule).toBe('caOrPin');
    expect(checkTrunkBody({ ...good, clientCertificate: null }, { choosingOwner: false })).toEqual(
      {},
    );
  });

  it('words the problems in Swedish', async () => {
    await setTestLanguage('sv');
    const t = i18next.getFixedT('sv', 'trunks');
    expect(trunkProblemText(t, { field: 'password', rule: 'minLength', limit: 8 })).toBe(
      'Lösenordet måste ha minst 8 tecken.',
    );
    expect(trunkProblemText(t, { field: 'name', rule: 'required' })).toBe('Ge trunken ett namn.');
    await setTestLanguage('en');
  });
});

describe('splitSources', () => {
  it('reads one address per line, or separated by commas or spaces', () => {
    expect(splitSources('192.0.2.10\n198.51.100.0/24, 10.0.0.1  ')).toEqual([
      '192.0.2.10',
      '198.51.100.0/24',
      '10.0.0.1',
    ]);
  });
});
