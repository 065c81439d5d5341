// The API modules the gateway serves. `npm run remove-bookshop` empties this list (and deletes ./bookshop):
// the gateway then serves its health routes and the cluster view only.
import { bookshopApi } from './bookshop/bookshop-api';
import type { GatewayApi } from './gateway-api';

/** Every API module of the gateway, in the order their routes are registered. */
export const apiModules: readonly GatewayApi[] = [bookshopApi];
