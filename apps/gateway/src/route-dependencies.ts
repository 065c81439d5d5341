import type { ClusterMembers } from './cluster-members';
import type { InterfaceLiveness } from './interface-liveness';
import type { KeyedRings } from './keyed-rings';
import type { Bus } from '@trellis/bus';

import type { Authenticator } from './authenticator';
import type { SessionTokens } from './session-token';

/** What the route modules use: the bus (the gateway's only way to the rest of the cluster) and the auth. */
export interface RouteDependencies {
  readonly bus: Pick<Bus, 'call' | 'emit' | 'outcome' | 'isConnected' | 'nodeId'>;
  readonly authenticator: Authenticator;
  readonly tokens: SessionTokens;
  /** Which interfaces the gateway calls have a live node (readiness, cluster view). */
  readonly liveness: Pick<InterfaceLiveness, 'liveHandlers' | 'missing'>;
  /** The live nodes, from their heartbeats (cluster view). */
  readonly members: Pick<ClusterMembers, 'live'>;
  /** The rings of keyed node families (cluster view: who holds a key). */
  readonly rings: Pick<KeyedRings, 'ringOf' | 'preferenceList'>;
}
