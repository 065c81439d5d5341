import { describe, expect, it } from 'vitest';

import { SettingsError } from '@trellis/node-kit';

import { developmentSessionSecret, readGatewaySettings } from './settings';

describe('readGatewaySettings', () => {
  it('has localhost defaults', () => {
    expect(readGatewaySettings({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      sessionSecret: developmentSessionSecret,
      maxInFlight: 512,
      bodyLimitBytes: 65_536,
    });
  });

  it('reads the variables, an empty one counting as unset', () => {
    const settings = readGatewaySettings({
      GATEWAY_PORT: '8080',
      GATEWAY_MAX_IN_FLIGHT: '',
      NODE_ID: 'gw-1',
    });
    expect(settings).toMatchObject({ port: 8080, maxInFlight: 512, nodeId: 'gw-1' });
  });

  it('names each bad variable and never echoes the secret', () => {
    const read = () => readGatewaySettings({ GATEWAY_PORT: 'eighty', SESSION_SECRET: 'short-secret' });
    expect(read).toThrow(SettingsError);
    expect(read).toThrow(/GATEWAY_PORT[\s\S]*SESSION_SECRET|SESSION_SECRET[\s\S]*GATEWAY_PORT/);
    expect(read).not.toThrow(/short-secret/);
  });
});
