// OpenTelemetry for a node: traces (W3C context, propagated across the bus by @trellis/bus) and metrics,
// exported over OTLP/HTTP only when an endpoint is configured.
import { metrics } from '@opentelemetry/api';
import type { BatchObservableCallback, Meter, ObservableCounter } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Bus, BusCounter } from '@trellis/bus';
import { busCounters } from '@trellis/bus';

import type { NodeSettings } from './settings';

/** The settings telemetry reads. */
export type TelemetrySettings = Pick<
  NodeSettings,
  'NODE_ID' | 'NODE_FAMILY' | 'NODE_TYPE' | 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'
>;

/** The registered OpenTelemetry SDK of this process. */
export interface Telemetry {
  /** True when spans and metrics are exported (`OTEL_EXPORTER_OTLP_ENDPOINT` is set). */
  readonly exporting: boolean;
  /** Flushes what is buffered and stops exporting; safe to call more than once. */
  shutdown(): Promise<void>;
}

/** How often metrics are pushed to the collector. */
const metricExportIntervalMs = 15_000;

let started: Telemetry | undefined;

/**
 * Registers the OpenTelemetry SDK for this process: a tracer provider with the AsyncLocalStorage context
 * manager and the W3C trace-context and baggage propagators, and a meter provider. With
 * `OTEL_EXPORTER_OTLP_ENDPOINT` set, spans and metrics go there over OTLP/HTTP (`/v1/traces`,
 * `/v1/metrics`); without it nothing is exported, but spans still exist and trace context still crosses the
 * bus, so logs and replies carry real trace ids. Call it first in `main.ts`, before the application's modules
 * load (see the README). Only the first call registers; later calls return the same handle.
 */
export function startTelemetry(settings: TelemetrySettings): Telemetry {
  if (started !== undefined) return started;
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: settings.OTEL_SERVICE_NAME,
    // Literal keys: these two are still "incubating" in the semantic conventions package.
    'service.instance.id': settings.NODE_ID,
    'service.namespace': 'trellis',
    'trellis.node.family': settings.NODE_FAMILY,
    'trellis.node.type': settings.NODE_TYPE,
  });
  const endpoint = settings.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');

  const tracerProvider = new NodeTracerProvider({
    resource,
    spanProcessors:
      endpoint === undefined
        ? []
        : [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))],
  });
  tracerProvider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  });

  const meterProvider = new MeterProvider({
    resource,
    readers:
      endpoint === undefined
        ? []
        : [
            new PeriodicExportingMetricReader({
              exporter: new OTLPMetricExporter({ url: `${endpoint}/v1/metrics` }),
              exportIntervalMillis: metricExportIntervalMs,
            }),
          ],
  });
  metrics.setGlobalMeterProvider(meterProvider);

  let stopping: Promise<void> | undefined;
  started = {
    exporting: endpoint !== undefined,
    shutdown() {
      stopping ??= Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]).then(() => undefined);
      return stopping;
    },
  };
  return started;
}

/** `timedOut` → `timed_out`: OpenTelemetry instrument names are lower snake case by convention. */
function instrumentName(counter: string): string {
  return `trellis.bus.${counter.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`;
}

/**
 * Publishes the bus's counters as OpenTelemetry observable counters, `trellis.bus.<counter>` in snake case
 * (`trellis.bus.sent`, `trellis.bus.dead_lettered`, …), each with the attributes `interface` and `policy`.
 * The counters are read from `bus.metrics.snapshot()` only when a metric reader collects, so counting stays
 * free on the bus's hot path. `meter` defaults to the global meter provider's (see `startTelemetry`).
 * Returns a function that stops observing.
 */
export function observeBusMetrics(
  bus: Pick<Bus, 'metrics'>,
  meter: Meter = metrics.getMeter('@trellis/node-kit'),
): () => void {
  const instruments = new Map<BusCounter, ObservableCounter>(
    busCounters.map((counter) => [
      counter,
      meter.createObservableCounter(instrumentName(counter), {
        description: `Bus messages counted as "${counter}", per interface and delivery policy`,
      }),
    ]),
  );
  const observe: BatchObservableCallback = (result) => {
    for (const entry of bus.metrics.snapshot()) {
      const attributes = { interface: entry.interface, policy: entry.policy };
      for (const [counter, instrument] of instruments) {
        result.observe(instrument, entry.counts[counter], attributes);
      }
    }
  };
  const observables = [...instruments.values()];
  meter.addBatchObservableCallback(observe, observables);
  return () => meter.removeBatchObservableCallback(observe, observables);
}
