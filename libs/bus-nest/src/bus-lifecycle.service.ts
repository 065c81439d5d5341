// Ties the bus to the Nest application's life: handlers start serving once every module is initialised,
// and the bus drains before the application's resources are released.
import { Inject, Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Bus } from '@trellis/bus';
import type { HandlerContext } from '@trellis/bus';
import type { DiscoveredHandler } from './discovered-handler';
import { assertEachInterfaceOnce } from './discovered-handler';
import { bindingOf } from './handler-binding';

/**
 * Registers every `@HandlesCall` and `@Subscribes` method with the bus at bootstrap, and closes the bus
 * gracefully at shutdown (apps call `app.enableShutdownHooks()` so SIGTERM gets here).
 */
@Injectable()
export class BusLifecycleService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  // Explicit tokens: nodes started from TypeScript through esbuild (tsx) get no decorator metadata.
  constructor(
    @Inject(Bus) private readonly bus: Bus,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
  ) {}

  /**
   * Runs after every provider's `onModuleInit`, so handlers only see fully initialised providers.
   * Every method is checked before the first is registered: a refused node never starts half its consumers.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const handlers = this.discover();
      assertEachInterfaceOnce(handlers);
      for (const { binding, handler } of handlers) {
        if (binding.kind === 'call') {
          await this.bus.handle(binding.contract, handler);
        } else {
          // A message handler's result is ignored; the wrapper only tells the compiler so.
          await this.bus.subscribe(
            binding.contract,
            async (message, context) => {
              await handler(message, context);
            },
            binding.family,
          );
        }
      }
    } catch (error) {
      // Nest runs no shutdown hook when bootstrap fails and the caller never gets the application to close,
      // so the connection is closed here or it would keep the failed process alive.
      await this.bus.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Stops consuming, lets handlers in flight finish and reply, then closes the connection. This runs after
   * `onModuleDestroy` hooks, so a resource the handlers use belongs in `onApplicationShutdown`, which runs
   * after the bus has drained.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }

  private discover(): DiscoveredHandler[] {
    const seen = new Set<object>();
    const found: DiscoveredHandler[] = [];
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance: unknown = wrapper.instance;
      if (wrapper.isAlias) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        this.refuseScopedHandlers(wrapper.metatype?.prototype, String(wrapper.name));
        continue;
      }
      // One instance may sit behind several tokens (useValue twice); it still serves each interface once.
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      const prototype: unknown = Object.getPrototypeOf(instance);
      for (const methodName of this.scanner.getAllMethodNames(asObject(prototype))) {
        const method: unknown = Reflect.get(instance, methodName);
        const binding = bindingOf(method);
        if (binding === undefined || typeof method !== 'function') continue;
        found.push({
          className: instance.constructor.name,
          methodName,
          binding,
          handler: (request: unknown, context: HandlerContext): unknown =>
            Reflect.apply(method, instance, [request, context]),
        });
      }
    }
    return found;
  }

  /** A request- or transient-scoped provider has no single instance a long-lived consumer could call. */
  private refuseScopedHandlers(prototype: unknown, name: string): void {
    const host = asObject(prototype);
    if (host === null) return;
    const decorated = this.scanner
      .getAllMethodNames(host)
      .filter((methodName) => bindingOf(Reflect.get(host, methodName)) !== undefined);
    if (decorated.length > 0) {
      throw new Error(
        `${name}.${decorated.join(', ')}: bus handlers must be on singleton providers (the default scope)`,
      );
    }
  }
}

function asObject(value: unknown): object | null {
  return typeof value === 'object' && value !== null ? value : null;
}
