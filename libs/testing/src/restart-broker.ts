import { rabbitmqctl } from './rabbitmqctl';

/** Bound for each step of the restart; the RabbitMQ application normally stops or starts in seconds. */
const STEP_TIMEOUT_MS = 90_000;

/**
 * Restarts the RabbitMQ application on the local node (`stop_app`, `start_app`, `await_startup`),
 * which drops every connection, as a broker restart does. Resolves once the broker accepts clients
 * again; rejects if any step fails or takes longer than 90 s. Messages in durable queues survive.
 */
export async function restartBroker(): Promise<void> {
  await rabbitmqctl(['stop_app'], STEP_TIMEOUT_MS);
  await rabbitmqctl(['start_app'], STEP_TIMEOUT_MS);
  await rabbitmqctl(['await_startup', '--timeout', String(STEP_TIMEOUT_MS / 1000)], STEP_TIMEOUT_MS + 5_000);
}
