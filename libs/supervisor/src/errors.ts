import { defineErrorType } from '@trellis/contracts';

/**
 * The supervisor's error catalogue. None is retryable: a wrong blueprint or setting stays wrong until a
 * person edits it. The statuses only keep the catalogue uniform; no HTTP client ever sees these.
 */
export const SupervisorErrors = {
  /** The blueprint file is missing, unreadable or refused; `data` is `{ file, problems }`. */
  invalidBlueprint: defineErrorType('supervisor.invalid_blueprint', 400, false),
  /** A supervisor setting in the environment is wrong; the message names the variable. */
  invalidSetting: defineErrorType('supervisor.invalid_setting', 400, false),
};

/** One reason a blueprint was refused: where (a field path or an environment variable) and why. */
export interface BlueprintProblem {
  readonly at: string;
  readonly message: string;
}
