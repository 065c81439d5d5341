import { describe, expect, it } from 'vitest';

import { describeStartupFailure } from './startup-failure';
import type { StartupSettings } from './startup-failure';

const settings: StartupSettings = {
  NODE_ID: 'cart-1',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  DATABASE_URL: 'postgresql://postgres:hunter2@127.0.0.1:5432/postgres',
  REDIS_URL: 'redis://127.0.0.1:6379',
  HEALTH_HOST: '127.0.0.1',
  HEALTH_PORT: 9464,
};

/** The error node:net produces for a refused connection. */
function refused(port: number): Error {
  return Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
    address: '127.0.0.1',
    port,
  });
}

describe('describeStartupFailure', () => {
  it('names RabbitMQ, its URL without the password, and how to start it', () => {
    const line = describeStartupFailure(refused(5672), settings);
    expect(line).toBe(
      'cart-1 cannot start: RabbitMQ is unreachable at amqp://guest:***@127.0.0.1:5672 (connect ECONNREFUSED 127.0.0.1:5672); start it with `rabbitmq-server -detached` or `bash deploy/local/services.sh` to start every local service',
    );
  });

  it("names PostgreSQL when the refused port is the database URL's, found through the error's cause", () => {
    const wrapped = new Error('migration failed', { cause: refused(5432) });
    const line = describeStartupFailure(wrapped, settings);
    expect(line).toMatch(
      /^cart-1 cannot start: PostgreSQL is unreachable at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/postgres /,
    );
    expect(line).toContain('pg_ctlcluster');
    expect(line).not.toContain('hunter2');
  });

  it('names Redis inside an AggregateError (a host name with several addresses)', () => {
    const error = new AggregateError([refused(6379), refused(6379)], 'connect failed');
    const line = describeStartupFailure(error, settings);
    expect(line).toMatch(/^cart-1 cannot start: Redis is unreachable at redis:\/\/127\.0\.0\.1:6379 /);
    expect(line).toContain('redis-server');
  });

  it('uses the default port of a URL that names none, and the port of a URL that names one', () => {
    expect(describeStartupFailure(refused(5672), { ...settings, AMQP_URL: 'amqp://broker.local' })).toContain(
      'RabbitMQ is unreachable at amqp://broker.local',
    );
    expect(describeStartupFailure(refused(1), { ...settings, AMQP_URL: 'amqp://127.0.0.1:1' })).toContain(
      'RabbitMQ is unreachable at amqp://127.0.0.1:1',
    );
  });

  it('says which health port is taken', () => {
    const error = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port: 9464 });
    expect(describeStartupFailure(error, settings)).toBe(
      'cart-1 cannot start: the health port 127.0.0.1:9464 is already in use (EADDRINUSE); set HEALTH_PORT to a free port, or 0 to pick one',
    );
  });

  it('adds how to fix a constructor parameter Nest could not resolve for lack of decorator metadata', () => {
    const error = new Error("Nest can't resolve dependencies of the CartService (?).\nPlease make sure…");
    expect(describeStartupFailure(error, settings)).toBe(
      "cart-1 cannot start: Error: Nest can't resolve dependencies of the CartService (?). Please make sure… (tsx emits no decorator metadata: name the token with @Inject(Token) on that constructor parameter)",
    );
  });

  it('falls back to the error itself, on one line, for anything else', () => {
    const error = new Error('Config file missing.\nSee the README.');
    expect(describeStartupFailure(error, settings)).toBe(
      'cart-1 cannot start: Error: Config file missing. See the README.',
    );
    expect(describeStartupFailure(refused(8080), settings)).toBe(
      'cart-1 cannot start: Error: connect ECONNREFUSED 127.0.0.1:8080',
    );
  });
});
