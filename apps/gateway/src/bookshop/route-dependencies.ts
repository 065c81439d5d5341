import type { GatewayContext } from '../gateway-api';

import type { Authenticator } from './authenticator';
import type { SessionTokens } from './session-token';

/** What the bookshop's routes use: the gateway's context and the session authentication. */
export interface RouteDependencies extends GatewayContext {
  readonly authenticator: Authenticator;
  readonly tokens: SessionTokens;
}
