import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from '@trellis/node-kit';
import { catalogEnvironment } from './catalog-environment';

describe('catalogEnvironment', () => {
  it('starts a node by hand on localhost with no variables set', () => {
    expect(readSettings(catalogEnvironment, {})).toMatchObject({
      NODE_FAMILY: 'catalog',
      NODE_TYPE: 'service',
      NODE_ID: `catalog-${process.pid}`,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
      DATABASE_SCHEMA: 'catalog',
    });
  });

  it('takes the node id and family the supervisor sets', () => {
    expect(readSettings(catalogEnvironment, { NODE_ID: 'catalog-2', NODE_FAMILY: 'catalog' })).toMatchObject({
      NODE_ID: 'catalog-2',
      NODE_FAMILY: 'catalog',
    });
  });

  it('refuses a schema name that is not plain SQL, and another family, naming both variables', () => {
    let refused: unknown;
    try {
      readSettings(catalogEnvironment, { DATABASE_SCHEMA: 'Catalog; DROP', NODE_FAMILY: 'cart' });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(SettingsError);
    expect((refused as Error).message).toContain('DATABASE_SCHEMA');
    expect((refused as Error).message).toContain('NODE_FAMILY');
  });
});
