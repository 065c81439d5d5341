// The node kit's error catalogue: what can stop a node before it serves anything.
import { defineErrorType, TrellisError } from '@trellis/contracts';

/**
 * Error types of @trellis/node-kit. None is retryable: a wrong setting stays wrong until someone changes the
 * environment. The status only keeps the catalogue uniform; no client ever sees these errors.
 */
export const NodeKitErrors = {
  /** One or more environment variables are missing or malformed; `data` is `{ problems }`. */
  invalidSettings: defineErrorType('node-kit.invalid_settings', 500, false),
};

/** One environment variable that failed validation. */
export interface SettingProblem {
  /** The variable's name, e.g. `HEALTH_PORT`. */
  readonly variable: string;
  /** Its value as found (credentials in URLs masked), or `undefined` when unset. */
  readonly value: string | undefined;
  /** What the variable allows, e.g. `must be a whole number from 0 to 65535`. */
  readonly allowed: string;
}

/**
 * Thrown by `readSettings` when the environment does not satisfy the schema. Its message lists every bad
 * variable with its value and what is allowed, one per line, ready to print as it is (no stack needed).
 * Code `node-kit.invalid_settings`; `problems` holds the same facts as data.
 */
export class SettingsError extends TrellisError {
  readonly problems: readonly SettingProblem[];

  constructor(problems: readonly SettingProblem[]) {
    const { code, status, retryable } = NodeKitErrors.invalidSettings;
    const lines = problems.map(({ variable, value, allowed }) =>
      value === undefined
        ? `  ${variable} (unset): ${allowed}`
        : `  ${variable}=${JSON.stringify(value)}: ${allowed}`,
    );
    super({
      code,
      status,
      retryable,
      message: `invalid settings; fix these environment variables:\n${lines.join('\n')}`,
      data: { problems },
    });
    this.name = 'SettingsError';
    this.problems = problems;
  }
}
