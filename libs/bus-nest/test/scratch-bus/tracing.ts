import type { Context, Span } from '@opentelemetry/api';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Contract } from '@trellis/contracts';

/**
 * W3C trace context across the bus: the sender injects `traceparent` into the message headers and the handler
 * continues that trace, so one trace follows a request from the gateway through every node it reaches.
 * Without a registered OpenTelemetry SDK these calls are no-ops.
 */
const tracer = trace.getTracer('@trellis/bus');

/** Starts the span of one attempt and returns it with the headers that carry it. */
export function startSendSpan(
  contract: Pick<Contract, 'name' | 'kind' | 'policy'>,
  attempt: number,
): { span: Span; headers: Record<string, string> } {
  const span = tracer.startSpan(`${contract.name} send`, {
    kind: contract.kind === 'call' ? SpanKind.CLIENT : SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': contract.name,
      'trellis.policy': contract.policy,
      'trellis.attempt': attempt,
    },
  });
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), headers);
  return { span, headers };
}

/** Ends a span with the outcome. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : 'failed',
    });
  }
  span.end();
}

/** Runs a handler inside a span that continues the sender's trace. */
export async function withProcessSpan<T>(
  contract: Contract,
  carrier: Record<string, string>,
  run: () => Promise<T>,
): Promise<T> {
  const parent: Context = propagation.extract(context.active(), carrier);
  const span = tracer.startSpan(
    `${contract.name} process`,
    {
      kind: contract.kind === 'call' ? SpanKind.SERVER : SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'process',
        'messaging.destination.name': contract.name,
      },
    },
    parent,
  );
  try {
    const result = await context.with(trace.setSpan(parent, span), run);
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}
