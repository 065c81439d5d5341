// The bookshop's REST API: sessions, books, the cart, orders and SMS, each a bus call to its node family.
// `npm run remove-bookshop` deletes this folder and takes it out of ../api-modules.ts.
import { outcomeContractOf } from '@trellis/bus';
import {
  BookshopErrors,
  clearCart,
  getBook,
  getCart,
  getOrder,
  getSession,
  listBooks,
  login,
  logout,
  placeOrder,
  removeCartItem,
  sendSms,
  setCartItem,
} from '@trellis/contracts';

import type { GatewayApi } from '../gateway-api';
import { Authenticator } from './authenticator';
import { registerBooksRoutes } from './books-routes';
import { bookshopProblems } from './bookshop-problems';
import { registerCartRoutes } from './cart-routes';
import { registerOrdersRoutes } from './orders-routes';
import type { RouteDependencies } from './route-dependencies';
import { SessionTokens } from './session-token';
import { registerSessionsRoutes } from './sessions-routes';
import { registerSmsRoutes } from './sms-routes';

/** The bookshop's routes, the interfaces they call and how its errors read. */
export const bookshopApi: GatewayApi = {
  name: 'bookshop',
  calledInterfaces: [
    login,
    getSession,
    logout,
    listBooks,
    getBook,
    getCart,
    setCartItem,
    removeCartItem,
    clearCart,
    placeOrder,
    outcomeContractOf(placeOrder),
    getOrder,
    sendSms,
  ],
  // The cart nodes hold the sessions and the carts, on the cart family's ring.
  servingFamilies: { sessions: 'cart', cart: 'cart' },
  errorTypes: Object.values(BookshopErrors),
  problems: bookshopProblems,
  register(api, context) {
    const tokens = new SessionTokens(context.settings.sessionSecret);
    const deps: RouteDependencies = {
      ...context,
      tokens,
      authenticator: new Authenticator(context.bus, tokens),
    };
    registerSessionsRoutes(api, deps);
    registerBooksRoutes(api, deps);
    registerCartRoutes(api, deps);
    registerOrdersRoutes(api, deps);
    registerSmsRoutes(api, deps);
  },
};
