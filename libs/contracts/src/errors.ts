/**
 * Errors as data. Every error that crosses a node boundary has a stable code, an HTTP status (used only by the
 * gateway) and a `retryable` flag (read by the retry strategy), and travels over the bus as {@link ErrorData}.
 */

/** The wire form of an error: what a reply carries and what an inbox stores. */
export interface ErrorData {
  code: string;
  message: string;
  status: number;
  retryable: boolean;
  data?: unknown;
}

/** An error with a stable code; domain code throws these and never HTTP exceptions. */
export class TrellisError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly data: unknown;

  constructor(error: ErrorData, options?: { cause?: unknown }) {
    super(error.message, options);
    this.name = 'TrellisError';
    this.code = error.code;
    this.status = error.status;
    this.retryable = error.retryable;
    this.data = error.data;
  }

  /** The wire form, without the stack. */
  toData(): ErrorData {
    const data: ErrorData = {
      code: this.code,
      message: this.message,
      status: this.status,
      retryable: this.retryable,
    };
    if (this.data !== undefined) data.data = this.data;
    return data;
  }

  /** Rebuilds an error that arrived as data. */
  static fromData(error: ErrorData): TrellisError {
    return new TrellisError(error);
  }
}

/** One entry of an error catalogue: creates errors of its code and recognises them. */
export interface ErrorType {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  create(message: string, data?: unknown, options?: { cause?: unknown }): TrellisError;
  is(error: unknown): error is TrellisError;
}

/** Declares an entry of a catalogue; codes are `area.snake_case` and never change once published. */
export function defineErrorType(code: string, status: number, retryable: boolean): ErrorType {
  if (!/^[a-z][a-z0-9-]*\.[a-z][a-z0-9_]*$/.test(code)) {
    throw new Error(`error code "${code}" must look like "area.snake_case"`);
  }
  return {
    code,
    status,
    retryable,
    create: (message, data, options) =>
      new TrellisError(
        { code, status, retryable, message, ...(data === undefined ? {} : { data }) },
        options,
      ),
    is: (error): error is TrellisError => error instanceof TrellisError && error.code === code,
  };
}

/** Reads any thrown value as error data; anything that is not a TrellisError is an unexpected failure. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof TrellisError) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal.unexpected', message, status: 500, retryable: false };
}
