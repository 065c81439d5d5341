import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Bus } from '@trellis/bus';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createGatewayApp } from './app';
import type { KeyedRings } from './keyed-rings';
import type { GatewaySettings } from './settings';

/** Injection tokens of the gateway module. */
export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');
export const GATEWAY_LOGGER = Symbol('GATEWAY_LOGGER');
export const GATEWAY_RINGS = Symbol('GATEWAY_RINGS');

/**
 * The gateway's HTTP server (Fastify, built by {@link createGatewayApp}) as a provider of the gateway's Nest
 * application: it listens once the application (and so the bus) is up, and closes first at shutdown
 * (`onModuleDestroy` runs before the bus module drains and closes the bus), so that requests in flight get
 * their answers. Tokens are explicit: nodes run from TypeScript under tsx carry no decorator metadata.
 */
@Injectable()
export class GatewayHttpServer implements OnApplicationBootstrap, OnModuleDestroy {
  private app: FastifyInstance | undefined;

  constructor(
    @Inject(Bus) private readonly bus: Bus,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    @Inject(GATEWAY_RINGS) private readonly rings: KeyedRings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.app = await createGatewayApp(this.settings, this.bus, this.logger, this.rings);
    const address = await this.app.listen({ port: this.settings.port, host: this.settings.host });
    this.logger.info({ address, maxInFlight: this.settings.maxInFlight }, 'gateway listening');
  }

  async onModuleDestroy(): Promise<void> {
    this.logger.info('gateway closing: finishing requests in flight');
    await this.app?.close();
  }
}
