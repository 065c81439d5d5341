// A dataset's sharing from its DATASET_<NAME>_* settings: the defaults, and every refusal naming its variable.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sharingOf, sharingSettings } from './sharing';

const cartsSchema = z.object(sharingSettings('carts'));

/** The sharing of dataset `carts` from these environment variables, as a node reads it. */
function cartsSharing(env: Record<string, string>) {
  return sharingOf(cartsSchema.parse(env), 'carts');
}

/** The variable and message of each issue when `env` is parsed. */
function issuesOf(env: Record<string, string>): { variable: string; message: string }[] {
  const result = cartsSchema.safeParse(env);
  if (result.success) throw new Error(`${JSON.stringify(env)} was accepted`);
  return result.error.issues.map((issue) => ({ variable: String(issue.path[0]), message: issue.message }));
}

describe('sharingSettings and sharingOf: what a dataset gets', () => {
  it('shares something by default, on 2 replicas, acknowledged once both hold a write', () => {
    expect(cartsSharing({})).toEqual({ strategy: 'something', replicas: 2, writeAcks: 2 });
  });

  it('acknowledges once every replica holds a write unless told otherwise (W defaults to N)', () => {
    expect(cartsSharing({ DATASET_CARTS_REPLICAS: '3' })).toEqual({
      strategy: 'something',
      replicas: 3,
      writeAcks: 3,
    });
    expect(cartsSharing({ DATASET_CARTS_REPLICAS: '3', DATASET_CARTS_WRITE_ACKS: '1' })).toEqual({
      strategy: 'something',
      replicas: 3,
      writeAcks: 1,
    });
    expect(cartsSharing({ DATASET_CARTS_REPLICAS: '1' })).toEqual({
      strategy: 'something',
      replicas: 1,
      writeAcks: 1,
    });
  });

  it('keeps a share-nothing key on its owner alone, and a share-everything key on every member', () => {
    expect(cartsSharing({ DATASET_CARTS_SHARING: 'nothing' })).toEqual({
      strategy: 'nothing',
      replicas: 1,
      writeAcks: 1,
    });
    expect(cartsSharing({ DATASET_CARTS_SHARING: 'everything' })).toEqual({
      strategy: 'everything',
      replicas: 0,
      writeAcks: 1,
    });
  });

  it('names the variables after the dataset, so two datasets of a node are configured apart', () => {
    const settings = z
      .object({ ...sharingSettings('sessions'), ...sharingSettings('carts') })
      .parse({ DATASET_SESSIONS_SHARING: 'everything', DATASET_CARTS_REPLICAS: '4' });
    expect(sharingOf(settings, 'sessions').strategy).toBe('everything');
    expect(sharingOf(settings, 'carts')).toEqual({ strategy: 'something', replicas: 4, writeAcks: 4 });
  });
});

describe('sharingSettings and sharingOf refuse, naming the variables', () => {
  it('a strategy that is not one of the three', () => {
    expect(issuesOf({ DATASET_CARTS_SHARING: 'all' })).toEqual([
      { variable: 'DATASET_CARTS_SHARING', message: 'must be one of nothing, something, everything' },
    ]);
  });

  it.each(['0', '8', '1.5', 'two', '-1'])('a replica or acknowledgement count of %s', (count) => {
    const message = 'must be a whole number from 1 to 7';
    expect(issuesOf({ DATASET_CARTS_REPLICAS: count })).toEqual([
      { variable: 'DATASET_CARTS_REPLICAS', message },
    ]);
    expect(issuesOf({ DATASET_CARTS_WRITE_ACKS: count })).toEqual([
      { variable: 'DATASET_CARTS_WRITE_ACKS', message },
    ]);
  });

  it('more write acknowledgements than replicas (W > N), the default N included', () => {
    expect(() => cartsSharing({ DATASET_CARTS_REPLICAS: '2', DATASET_CARTS_WRITE_ACKS: '3' })).toThrow(
      'DATASET_CARTS_WRITE_ACKS=3 must not exceed DATASET_CARTS_REPLICAS=2',
    );
    expect(() => cartsSharing({ DATASET_CARTS_WRITE_ACKS: '3' })).toThrow(
      'DATASET_CARTS_WRITE_ACKS=3 must not exceed DATASET_CARTS_REPLICAS=2',
    );
  });

  it.each(['nothing', 'everything'])('replicas or acknowledgements given to share-%s', (strategy) => {
    const sharing = { DATASET_CARTS_SHARING: strategy };
    expect(() => cartsSharing({ ...sharing, DATASET_CARTS_REPLICAS: '2' })).toThrow(
      `DATASET_CARTS_REPLICAS apply to share-something only; DATASET_CARTS_SHARING is ${strategy}`,
    );
    expect(() => cartsSharing({ ...sharing, DATASET_CARTS_WRITE_ACKS: '1' })).toThrow(
      `DATASET_CARTS_WRITE_ACKS apply to share-something only; DATASET_CARTS_SHARING is ${strategy}`,
    );
    expect(() =>
      cartsSharing({ ...sharing, DATASET_CARTS_REPLICAS: '2', DATASET_CARTS_WRITE_ACKS: '1' }),
    ).toThrow(
      `DATASET_CARTS_REPLICAS and DATASET_CARTS_WRITE_ACKS apply to share-something only; DATASET_CARTS_SHARING is ${strategy}`,
    );
  });
});
