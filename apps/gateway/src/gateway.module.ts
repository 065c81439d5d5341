import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { BusOptions } from '@trellis/bus';
import { BusModule } from '@trellis/bus-nest';
import type { Logger } from 'pino';
import { GATEWAY_LOGGER, GATEWAY_SETTINGS, GatewayHttpServer } from './gateway-http.server';
import type { GatewaySettings } from './settings';

/** The gateway node's Nest application: the bus, and the HTTP server that turns REST calls into bus calls. */
@Module({})
export class GatewayModule {
  static forRoot(settings: GatewaySettings, logger: Logger, bus: BusOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [BusModule.forRoot(bus)],
      providers: [
        { provide: GATEWAY_SETTINGS, useValue: settings },
        { provide: GATEWAY_LOGGER, useValue: logger },
        GatewayHttpServer,
      ],
    };
  }
}
