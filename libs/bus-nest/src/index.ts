// Public API of @trellis/bus-nest: the NestJS way for a node to use the service bus.

/** The global module providing the connected `Bus`: `BusModule.forRoot(options)` / `forRootAsync(...)`. */
export { BusModule } from './bus.module';
/** Options of `BusModule.forRootAsync`: `{ imports?, inject?, useFactory }`. */
export type { BusModuleAsyncOptions } from './bus-module-options';

/** Method decorators registering a provider method as this node's handler of an interface. */
export { HandlesCall } from './handles-call.decorator';
export { Subscribes } from './subscribes.decorator';
/** Options of `@Subscribes`: `{ family? }`. */
export type { SubscribesOptions } from './subscribes.decorator';

/** Handler signatures to check a method against its contract, e.g. `CallHandler<typeof placeOrder>`. */
export type { CallHandler, HandlerContext, MessageHandler } from '@trellis/bus';

/** The bus's part of a node's health report. */
export { BusHealthIndicator } from './bus-health.indicator';
export type { BusHealth } from './bus-health.indicator';
