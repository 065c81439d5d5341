import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { BusOptions } from '@trellis/bus';
import { BusModule } from '@trellis/bus-nest';
import type { Logger } from 'pino';
import { GATEWAY_LOGGER, GATEWAY_RINGS, GATEWAY_SETTINGS, GatewayHttpServer } from './gateway-http.server';
import type { KeyedRings } from './keyed-rings';
import type { GatewaySettings } from './settings';

/** The gateway node's Nest application: the bus, and the HTTP server that turns REST calls into bus calls. */
@Module({})
export class GatewayModule {
  /** `rings` must be the ones whose `keyRouter` the bus options carry. */
  static forRoot(
    settings: GatewaySettings,
    logger: Logger,
    bus: BusOptions,
    rings: KeyedRings,
  ): DynamicModule {
    return {
      module: GatewayModule,
      imports: [BusModule.forRoot(bus)],
      providers: [
        { provide: GATEWAY_SETTINGS, useValue: settings },
        { provide: GATEWAY_LOGGER, useValue: logger },
        { provide: GATEWAY_RINGS, useValue: rings },
        GatewayHttpServer,
      ],
    };
  }
}
