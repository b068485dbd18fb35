import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../common/redact-secrets.js';

describe('redactSecrets', () => {
  it.each([
    ["/work/https:/acct.blob.core.windows.net/c/x.mp4?sv=2024-01-01&sp=r&sig=S3cr3t%2Bsig does not exist", '/work/https:/acct.blob.core.windows.net/c/x.mp4?sv=2024-01-01&sp=r&sig=REDACTED does not exist'],
    ["ftp://host/x.mp4?sig=abc&se=2030", 'ftp://host/x.mp4?sig=REDACTED&se=2030'],
    ["no job 'abc?sv=1&SIG=xyz' to resume", "no job 'abc?sv=1&SIG=REDACTED' to resume"],
    ['DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k3y==;EndpointSuffix=core.windows.net', 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=REDACTED;EndpointSuffix=core.windows.net'],
    ['BlobEndpoint=https://a/;SharedAccessSignature=sv=1&sig=zz', 'BlobEndpoint=https://a/;SharedAccessSignature=REDACTED'],
  ])('%s', (text, redacted) => {
    expect(redactSecrets(text)).toBe(redacted);
  });

  it('leaves a line without a secret as it is', () => {
    const line = 'input 720x720, 823 frames, h264, audio aac (design=signal)';
    expect(redactSecrets(line)).toBe(line);
  });
});
