// Reads an inbox row back into an outcome; shared by duplicate replay and readOutcome.
import type { ErrorData } from '@trellis/contracts';
import { z } from 'zod';

/** The columns read back from an inbox row; `reply` is selected as text so a void reply stays undefined. */
export interface InboxRow {
  request_hash: string;
  status: string;
  reply: string | null;
  error: unknown;
}

/** A committed outcome, or `undefined` for a row that is not finished (only ever seen by its own transaction). */
export type FinishedOutcome =
  { status: 'replied'; replyJson: string | null } | { status: 'rejected'; error: ErrorData };

const errorDataSchema = z.object({
  code: z.string(),
  message: z.string(),
  status: z.number(),
  retryable: z.boolean(),
  data: z.unknown().optional(),
});

/** The finished outcome stored in `row`. Throws if a rejected row does not hold error data. */
export function finishedOutcomeOf(row: InboxRow): FinishedOutcome | undefined {
  if (row.status === 'replied') return { status: 'replied', replyJson: row.reply };
  if (row.status === 'rejected') return { status: 'rejected', error: errorDataSchema.parse(row.error) };
  return undefined;
}

/** Parses a stored reply; SQL NULL is the reply of a handler that returned nothing. */
export function parseReply(replyJson: string | null): unknown {
  return replyJson === null ? undefined : JSON.parse(replyJson);
}

/**
 * Serialises a reply for the `reply` column. `undefined` (a handler that returns nothing) becomes SQL NULL.
 * Throws for values JSON cannot hold (bigint, cycles); the caller treats that as a failure of the entry.
 */
export function serialiseReply(reply: unknown): string | null {
  const json: string | undefined = JSON.stringify(reply);
  return json ?? null;
}

/**
 * Whether jsonb accepts `json`, a string produced by `JSON.stringify`. That output is always valid JSON; jsonb
 * additionally refuses the escapes `\u0000` and unpaired surrogates (JSON.stringify escapes a surrogate only
 * when it is unpaired). Checking here lets an entry whose reply cannot be stored fail on its own, before its
 * reply joins the batch's single write.
 */
export function isStorableAsJsonb(json: string): boolean {
  for (let at = json.indexOf('\\'); at !== -1; at = json.indexOf('\\', at + 2)) {
    if (json[at + 1] !== 'u') continue;
    const unit = Number.parseInt(json.slice(at + 2, at + 6), 16);
    if (unit === 0 || (unit >= 0xd800 && unit <= 0xdfff)) return false;
  }
  return true;
}
