import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BusMetrics } from '@trellis/bus';
import { describe, expect, it } from 'vitest';

import { observeBusMetrics } from './telemetry';

/** A reader collected on demand, to see exactly what an exporter would receive. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Every data point collected, as `name{interface,policy} = value`. */
async function collect(reader: MetricReader): Promise<string[]> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .flatMap((metric) =>
      metric.dataPoints.map(
        (point) =>
          `${metric.descriptor.name}{${String(point.attributes['interface'])},${String(point.attributes['policy'])}} = ${JSON.stringify(point.value)}`,
      ),
    )
    .sort();
}

describe('observeBusMetrics', () => {
  it('reports each bus counter per interface and policy, read at collection time', async () => {
    const reader = new OnDemandReader();
    const provider = new MeterProvider({ readers: [reader] });
    const metrics = new BusMetrics();
    const stop = observeBusMetrics({ metrics }, provider.getMeter('test'));

    metrics.increment('cart.add', 'at-least-once', 'handled', 2);
    metrics.increment('orders.place', 'exactly-once', 'deadLettered');
    const points = await collect(reader);
    expect(points).toContain('trellis.bus.handled{cart.add,at-least-once} = 2');
    expect(points).toContain('trellis.bus.dead_lettered{orders.place,exactly-once} = 1');
    expect(points).toContain('trellis.bus.timed_out{cart.add,at-least-once} = 0');

    metrics.increment('cart.add', 'at-least-once', 'handled');
    expect(await collect(reader)).toContain('trellis.bus.handled{cart.add,at-least-once} = 3');

    stop();
    metrics.increment('cart.add', 'at-least-once', 'handled');
    expect(await collect(reader)).not.toContain('trellis.bus.handled{cart.add,at-least-once} = 4');
    await provider.shutdown();
  });
});
