import { describe, expect, it } from 'vitest';
import { blobFailure, describeBlob, isBlobLocation, parseBlobLocation, redactLocation, sasWriteProblem, usesAccountKey } from '../../common/storage/blob-location.js';

describe('Blob locations', () => {
  it('reads an account URL with a SAS, keeping the SAS apart from the name', () => {
    const l = parseBlobLocation('https://acct.blob.core.windows.net/videos/in/a%20b.mp4?sv=2024&sig=abc', '--input');
    expect(l).toEqual({ serviceUrl: 'https://acct.blob.core.windows.net', container: 'videos', blobName: 'in/a b.mp4', credential: { kind: 'sas', sas: 'sv=2024&sig=abc' } });
    expect(describeBlob(l)).toBe('https://acct.blob.core.windows.net/videos/in/a b.mp4');
  });

  it('reads an emulator’s path-style URL, whose first segment is the account', () => {
    const l = parseBlobLocation('http://127.0.0.1:10000/devstoreaccount1/videos/a.mp4?sig=x', '--input');
    expect(l.serviceUrl).toBe('http://127.0.0.1:10000/devstoreaccount1');
    expect([l.container, l.blobName]).toEqual(['videos', 'a.mp4']);
  });

  it('takes az:// credentials as the Azure CLI does: a connection string, or an account with a SAS token or key', () => {
    const cs = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=S2V5;EndpointSuffix=core.windows.net';
    expect(parseBlobLocation('az://videos/a.mp4', '--input', { AZURE_STORAGE_CONNECTION_STRING: cs })).toMatchObject({ serviceUrl: 'https://acct.blob.core.windows.net', container: 'videos', blobName: 'a.mp4' });
    expect(parseBlobLocation('az://videos/a.mp4', '--input', { AZURE_STORAGE_ACCOUNT: 'acct', AZURE_STORAGE_SAS_TOKEN: '?sv=1&sig=y' }).credential).toEqual({ kind: 'sas', sas: 'sv=1&sig=y' });
    const keyed = parseBlobLocation('az://videos/a.mp4', '--input', { AZURE_STORAGE_ACCOUNT: 'acct', AZURE_STORAGE_KEY: 'S2V5' });
    expect(usesAccountKey(keyed)).toBe(true);
    expect(usesAccountKey(parseBlobLocation('az://videos/a.mp4', '--input', { AZURE_STORAGE_CONNECTION_STRING: cs }))).toBe(true);
  });

  it('refuses, naming the option and never the secret, what it cannot use', () => {
    const refused = (value: string, env: NodeJS.ProcessEnv = {}) => {
      try {
        parseBlobLocation(value, '--input', env);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refused('https://acct.blob.core.windows.net/videos/a.mp4')).toMatch(/^--input: https:\/\/acct\.blob\.core\.windows\.net\/videos\/a\.mp4 has no SAS token/);
    expect(refused('az://videos/a.mp4')).toMatch(/^--input: az:\/\/ needs AZURE_STORAGE_CONNECTION_STRING/);
    expect(refused('https://acct.blob.core.windows.net/videos/../secrets/a.mp4?sig=zzz')).toBe('accepted'); // URL parsing resolves ".." itself
    expect(refused('az://videos/x/../../a.mp4', { AZURE_STORAGE_ACCOUNT: 'a', AZURE_STORAGE_SAS_TOKEN: 's' })).toMatch(/has an empty, "\." or "\.\." part/);
    expect(refused('az://Videos/a.mp4', { AZURE_STORAGE_ACCOUNT: 'a', AZURE_STORAGE_SAS_TOKEN: 's' })).toMatch(/"Videos" is not a container name/);
    for (const m of [refused('https://acct.blob.core.windows.net/V/a.mp4?sig=zzz')]) expect(m).not.toContain('zzz');
  });

  it('shows a URL without its query, and anything else as it is', () => {
    expect(redactLocation('https://acct.blob.core.windows.net/v/a.mp4?sv=1&sig=s')).toBe('https://acct.blob.core.windows.net/v/a.mp4');
    expect(redactLocation('/data/a.mp4')).toBe('/data/a.mp4');
    expect(isBlobLocation('az://v/a.mp4') && isBlobLocation('https://x/y') && !isBlobLocation('/x/y.mp4')).toBe(true);
  });
});

describe('sasWriteProblem', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  it.each([
    ['sv=2024-01-01&sp=rl&sig=x', 'its SAS may not write (permissions sp=rl; a blob needs w or c)'],
    ['sv=2024-01-01&sp=racwl&se=2026-11-28T11:59:59Z&sig=x', 'its SAS expired at 2026-11-28T11:59:59Z'],
  ])('%s cannot write a blob', (sas, problem) => {
    expect(sasWriteProblem(sas, now)).toBe(problem);
  });

  it.each(['sv=2024-01-01&sp=cw&se=2026-11-29T00:00:00Z&sig=x', 'sv=2024-01-01&sp=w&sig=x', 'sig=x'])('%s may', (sas) => {
    expect(sasWriteProblem(sas, now)).toBeUndefined();
  });
});

describe('blobFailure', () => {
  it('gives the status and the service error code of an answer, or what stopped the request', () => {
    expect(blobFailure(Object.assign(new Error('This request is not authorized'), { name: 'RestError', statusCode: 403, code: 'AuthorizationPermissionMismatch' }))).toBe('403 AuthorizationPermissionMismatch');
    expect(blobFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9\nmore'), { name: 'RestError', code: 'REQUEST_SEND_ERROR' }))).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(blobFailure(Object.assign(new Error(''), { name: 'RestError', code: 'REQUEST_SEND_ERROR' }))).toBe('REQUEST_SEND_ERROR');
  });
});
