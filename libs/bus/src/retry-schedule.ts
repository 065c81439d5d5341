import type { RetryLimits } from '@trellis/contracts';
import type { IRetryPolicyConfig } from 'cockatiel';
import { ExponentialBackoff } from 'cockatiel';

/**
 * The retry schedule of one interface as cockatiel's retry options, so that the caller and the schedule's
 * property tests read the same configuration. Cockatiel's `maxAttempts` counts the retries after the first
 * attempt, hence the `- 1`; the backoff is cockatiel's exponential one (decorrelated jitter) capped at
 * `maxDelayMs`.
 */
export function retryScheduleOf(limits: RetryLimits): Pick<IRetryPolicyConfig, 'maxAttempts' | 'backoff'> {
  return {
    maxAttempts: limits.maxAttempts - 1,
    backoff: new ExponentialBackoff({ initialDelay: limits.initialDelayMs, maxDelay: limits.maxDelayMs }),
  };
}
