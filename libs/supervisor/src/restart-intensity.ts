/**
 * OTP's restart intensity (MaxR restarts in MaxT): restarts are allowed until more than `maxRestarts`
 * happen within any `periodMs`; then restarting is not helping and the supervisor gives up. It counts the
 * restarts of all children together, as an OTP supervisor does.
 */
export class RestartIntensity {
  private readonly times: number[] = [];

  constructor(
    /** Restarts allowed within the period (OTP's intensity). */
    readonly maxRestarts: number,
    /** The sliding window, in milliseconds (OTP's period). */
    readonly periodMs: number,
  ) {}

  /** Records a restart at `now` (ms); returns false when it takes the count past the limit. */
  record(now: number): boolean {
    this.times.push(now);
    while (this.times.length > 0 && (this.times[0] ?? now) <= now - this.periodMs) this.times.shift();
    return this.times.length <= this.maxRestarts;
  }

  /** How many recorded restarts fall within the window ending at `now`. */
  countAt(now: number): number {
    return this.times.filter((time) => time > now - this.periodMs).length;
  }
}
