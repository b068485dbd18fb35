// No execution provider the --device choice allows could load the model on this rank's machine. The
// launcher checked the model itself on the CPU, so the device is at fault (no adapter, no driver), not
// the model: the fix is another --device.
import { ExitCode } from '../common/exit-codes.js';
import { StylerunError } from '../common/errors/stylerun-error.js';
import { onnxruntimeReason } from '../models/contract.js';
import { ModelContractError } from '../models/errors.js';

/** The stable code a rank's Failed message carries when no provider could load the model. */
export const noProviderCode = 'NO_PROVIDER';

/** Every candidate provider failed to load the model; `cause` is the last one's error. */
export class ProviderError extends StylerunError {
  /** The providers tried, in order. */
  readonly tried: readonly string[];

  constructor(tried: readonly string[], cause: unknown) {
    // the model's own load error would tell the user to re-export a model the launcher already loaded on
    // the CPU: onnxruntime's words about the provider are what count here
    const why = cause instanceof ModelContractError && cause.cause !== undefined ? onnxruntimeReason(cause.cause) : (cause as Error | undefined)?.message?.split('\n')[0];
    super(noProviderCode, ExitCode.usage, `no execution provider could load the model (tried ${tried.join(', ')}): ${why}`, { cause });
    this.name = 'ProviderError';
    this.tried = tried;
  }
}
