// What an API module adds to the gateway: its routes, the interfaces they call, the keyed families that serve
// them, and how its error codes read as problem+json. The gateway's core (health, the cluster view, errors,
// back pressure) knows no domain; api-modules.ts lists the modules it serves.
import type { Bus } from '@trellis/bus';
import type { Contract, ErrorType } from '@trellis/contracts';
import type { FastifyInstance } from 'fastify';

import type { ClusterMembers } from './cluster-members';
import type { InterfaceLiveness } from './interface-liveness';
import type { KeyedRings } from './keyed-rings';
import type { GatewaySettings } from './settings';

/** What the gateway's routes use: the bus (its only way to the rest of the cluster) and the cluster view. */
export interface GatewayContext {
  readonly settings: GatewaySettings;
  readonly bus: Pick<Bus, 'call' | 'emit' | 'outcome' | 'isConnected' | 'nodeId'>;
  /** Which interfaces the gateway calls have a live node (readiness, cluster view). */
  readonly liveness: Pick<InterfaceLiveness, 'liveHandlers' | 'missing'>;
  /** The live nodes, from their heartbeats (cluster view). */
  readonly members: Pick<ClusterMembers, 'live'>;
  /** The rings of keyed node families (cluster view: who holds a key). */
  readonly rings: Pick<KeyedRings, 'ringOf' | 'preferenceList'>;
}

/** How one error code reads as problem+json. */
export interface ProblemSpec {
  readonly title: string;
  /** When set, overrides the catalogue's status (say why where it is used). */
  readonly status?: number;
  /** A fixed detail: for errors whose message is about our internals rather than the client's request. */
  readonly detail?: string;
  readonly retryAfter?: boolean;
}

/** One domain's REST API on the gateway. */
export interface GatewayApi {
  /** Names the module in logs and the docs. */
  readonly name: string;
  /** Every interface the routes call or emit: readiness waits for a live node of each call. */
  readonly calledInterfaces: readonly Contract[];
  /** Keyed interface family → the node family whose ring routes it (`sessions` → `cart`). */
  readonly servingFamilies: Readonly<Record<string, string>>;
  /** The error catalogues the module's calls answer with, mapped by `problems`. */
  readonly errorTypes: readonly ErrorType[];
  /** Problem+json title (and status, detail, Retry-After) per error code of `errorTypes`. */
  readonly problems: ReadonlyMap<string, ProblemSpec>;
  /** Adds the routes to `api` (the context whose validator is the zod one). */
  register(api: FastifyInstance, context: GatewayContext): void;
}
