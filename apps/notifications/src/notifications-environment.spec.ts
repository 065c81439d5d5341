import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from '@trellis/node-kit';
import { notificationsEnvironment } from './notifications-environment';

/** The message of the SettingsError that reading `env` throws. */
function refusal(env: Record<string, string>): string {
  try {
    readSettings(notificationsEnvironment, env);
  } catch (error) {
    if (error instanceof SettingsError) return error.message;
    throw error;
  }
  throw new Error('expected the settings to be refused');
}

describe('notificationsEnvironment', () => {
  it('starts a node by hand on localhost with no variables set, at 4 concurrent sends', () => {
    expect(readSettings(notificationsEnvironment, {})).toMatchObject({
      NODE_FAMILY: 'notifications',
      NODE_TYPE: 'service',
      NODE_ID: `notifications-${process.pid}`,
      DATABASE_SCHEMA: 'notifications',
      MAX_CONCURRENT_SENDS: 4,
    });
  });

  it('reads the send limit from the environment', () => {
    expect(readSettings(notificationsEnvironment, { MAX_CONCURRENT_SENDS: '16' }).MAX_CONCURRENT_SENDS).toBe(
      16,
    );
  });

  it.each(['0', '2.5', 'many'])('refuses MAX_CONCURRENT_SENDS=%s, naming the variable', (value) => {
    expect(refusal({ MAX_CONCURRENT_SENDS: value })).toContain('MAX_CONCURRENT_SENDS');
  });

  it('refuses a schema name that is not plain SQL, naming the variable', () => {
    expect(refusal({ DATABASE_SCHEMA: 'Notifications; DROP' })).toContain('DATABASE_SCHEMA');
  });
});
