import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Bus } from '@trellis/bus';
import type { BusOptions } from '@trellis/bus';
import { BusHealthIndicator } from './bus-health.indicator';
import { BusLifecycleService } from './bus-lifecycle.service';
import type { BusModuleAsyncOptions } from './bus-module-options';
import { busOptionsToken } from './bus-module-options';

/**
 * The node's bus as a global Nest module. Provides the connected `Bus` (inject it by its class) and
 * `BusHealthIndicator`; registers `@HandlesCall` / `@Subscribes` methods at bootstrap; closes the bus
 * gracefully at shutdown. Import it once, in the node's root module.
 */
@Global()
@Module({})
export class BusModule {
  /** The bus with fixed settings. */
  static forRoot(options: BusOptions): DynamicModule {
    return BusModule.forRootAsync({ useFactory: () => options });
  }

  /** The bus with settings built from other providers (typically the node's validated configuration). */
  static forRootAsync(options: BusModuleAsyncOptions): DynamicModule {
    return {
      module: BusModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        { provide: busOptionsToken, useFactory: options.useFactory, inject: options.inject ?? [] },
        // Connecting inside the provider factory makes an unreachable broker fail the application's start
        // (after the bus's own connect retries), instead of a node that runs but serves nothing.
        {
          provide: Bus,
          useFactory: (settings: BusOptions) => Bus.connect(settings),
          inject: [busOptionsToken],
        },
        BusLifecycleService,
        BusHealthIndicator,
      ],
      exports: [Bus, BusHealthIndicator],
    };
  }
}
