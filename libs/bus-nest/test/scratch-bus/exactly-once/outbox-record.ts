/** An event a handler emits through the transactional outbox: published only if its transaction commits. */
export interface OutboxDraft {
  /** The contract name (`family.verb`) the event is published under. */
  contract: string;
  /** The contract version the payload was written for. */
  version: number;
  /** The event body; stored as JSON, so it must survive `JSON.stringify`. */
  payload: unknown;
  /** Message headers (trace context, causation id, ...). */
  headers: Record<string, string>;
}

/** A committed outbox row as the relay hands it to `publish`. */
export interface OutboxRecord extends OutboxDraft {
  /** A uuid fixed when the row was written; it becomes the message id, so subscribers can deduplicate on it. */
  id: string;
  createdAt: Date;
}
