// The rings the gateway routes keyed calls by: a call for a session goes to the cart node that owns the
// session's partition, so the node that holds the session's data serves it.
import type { KeyRouter } from '@trellis/bus';
import type { RingState } from '@trellis/ring';
import { RingObserver, ringKeyRouter } from '@trellis/ring';
import type { Logger } from 'pino';

import { apiModules } from './api-modules';

/**
 * Which node family serves each keyed interface family the gateway calls (the bookshop's `sessions.*` and
 * `cart.*` are the cart family's), as the API modules declare them: the gateway is the one that calls them by
 * key; a family that joins the ring serves them under these names.
 */
export const servingFamilies: Readonly<Record<string, string>> = Object.fromEntries(
  apiModules.flatMap((api) => Object.entries(api.servingFamilies)),
);

/** One read-only ring view per serving family, and the bus's keyed routing from them. */
export class KeyedRings {
  private readonly observers = new Map<string, RingObserver>();
  /** Routes each keyed call to its key's owner on the serving family's ring (shared queue until one exists). */
  readonly keyRouter: KeyRouter;

  constructor(options: { redisUrl: string; dataPrefix: string; logger: Logger }) {
    for (const family of new Set(Object.values(servingFamilies))) {
      this.observers.set(
        family,
        new RingObserver({
          url: options.redisUrl,
          prefix: options.dataPrefix,
          family,
          logger: options.logger,
        }),
      );
    }
    const byInterfaceFamily: Record<string, RingObserver> = {};
    for (const [interfaceFamily, family] of Object.entries(servingFamilies)) {
      const observer = this.observers.get(family);
      if (observer !== undefined) byInterfaceFamily[interfaceFamily] = observer;
    }
    this.keyRouter = ringKeyRouter(byInterfaceFamily);
  }

  /** Connects to Redis and starts following every ring. Rejects when Redis cannot be reached. */
  async start(): Promise<void> {
    await Promise.all([...this.observers.values()].map((observer) => observer.start()));
  }

  /** The ring of a node family, when the gateway follows it and it has one. */
  ringOf(family: string): RingState | undefined {
    return this.observers.get(family)?.current();
  }

  /** The nodes holding `key` in `family`'s ring, owner first, at most `n` ([] without a ring). */
  preferenceList(family: string, key: string, n: number): string[] {
    return this.observers.get(family)?.preferenceList(key, n) ?? [];
  }

  async stop(): Promise<void> {
    await Promise.all([...this.observers.values()].map((observer) => observer.stop()));
  }
}
