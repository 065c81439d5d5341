export { defineCall, defineMessage, familyOf } from './contract';
export type {
  CallContract,
  Contract,
  HandledRequestOf,
  HandlerReplyOf,
  MessageContract,
  ReplyOf,
  RequestOf,
  RetryLimits,
  Routing,
} from './contract';
export { deliveryPolicies, isDurable } from './delivery-policy';
export type { DeliveryPolicy } from './delivery-policy';
export { defineErrorType, toErrorData, TrellisError } from './errors';
export type { ErrorData, ErrorType } from './errors';
export {
  book,
  bookId,
  BookshopErrors,
  cartView,
  chargeOrder,
  clearCart,
  getBook,
  getCart,
  getOrder,
  getSession,
  line,
  listBooks,
  login,
  logout,
  order,
  orderConfirmed,
  orderId,
  placeOrder,
  priceLines,
  quantity,
  removeCartItem,
  sendSms,
  sessionId,
  setCartItem,
  userId,
} from './bookshop';
export { nodeDescription, nodeHeartbeat } from './cluster';
export type { NodeDescription } from './cluster';
