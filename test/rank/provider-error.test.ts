import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../rank/provider-error.js';

describe('ProviderError', () => {
  it('names the providers tried and the first line of the last one\'s failure, which it keeps as cause', () => {
    const last = new Error('no adapter found\nat dawn.cc:12');
    const error = new ProviderError(['webgpu'], last);
    expect(error).toMatchObject({ code: 'NO_PROVIDER', tried: ['webgpu'], cause: last });
    expect(error.message).toBe('no execution provider could load the model (tried webgpu): no adapter found');
  });
});
