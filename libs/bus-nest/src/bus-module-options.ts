import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency } from '@nestjs/common';
import type { BusOptions } from '@trellis/bus';

/** Options of `BusModule.forRootAsync`: how to build the `BusOptions` from other providers (e.g. config). */
export interface BusModuleAsyncOptions {
  /** Modules whose providers `inject` names. */
  imports?: ModuleMetadata['imports'];
  /** Providers passed to `useFactory`, in order. */
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  /** Builds the bus settings; the bus connects once it resolves. */
  useFactory: (...args: never[]) => BusOptions | Promise<BusOptions>;
}

/** Injection token of the resolved `BusOptions` (internal to the module). */
export const busOptionsToken = Symbol('trellis:bus-options');
