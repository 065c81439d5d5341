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
