/** Seconds a client should wait before retrying a 503 (or a 409 in progress, or a 202 pending order). */
export const retryAfterSeconds = 1;
