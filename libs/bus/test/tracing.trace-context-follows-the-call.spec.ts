// One trace follows a request across the bus: the caller's active span is the parent of the send span, whose
// context travels in the message headers and becomes the parent of the handler's process span.
import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { defineCall, defineMessage } from '@trellis/contracts';
import { Bus } from '../src';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, waitFor } from '@trellis/testing';
import { pino } from 'pino';

const lookup = defineCall({
  name: 'catalog.lookup',
  policy: 'at-least-once',
  request: z.object({ bookId: z.string() }),
  reply: z.object({ title: z.string() }),
  timeoutMs: 3_000,
});

const viewed = defineMessage({
  name: 'catalog.bookViewed',
  policy: 'at-least-once',
  request: z.object({ bookId: z.string() }),
});

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('trace-context-test');

let vhost: RabbitVhost;
let caller: Bus;
let handler: Bus;
/** Trace ids the handlers saw as active, by the request's book id. */
const seenByHandler = new Map<string, string | undefined>();

beforeAll(async () => {
  expect(trace.setGlobalTracerProvider(provider)).toBe(true);
  expect(propagation.setGlobalPropagator(new W3CTraceContextPropagator())).toBe(true);
  expect(context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())).toBe(true);
  vhost = await createRabbitVhost('tracing');
  const logger = pino({ level: 'silent' });
  handler = await Bus.connect({ url: vhost.url, logger, nodeId: 'catalog-1' });
  caller = await Bus.connect({ url: vhost.url, logger, nodeId: 'gateway-1' });
  await handler.handle(lookup, ({ bookId }) => {
    seenByHandler.set(bookId, trace.getActiveSpan()?.spanContext().traceId);
    return { title: `title of ${bookId}` };
  });
  await handler.subscribe(viewed, ({ bookId }) => {
    seenByHandler.set(bookId, trace.getActiveSpan()?.spanContext().traceId);
  });
});

afterAll(async () => {
  await caller?.close();
  await handler?.close();
  await vhost?.delete();
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});

/** Runs `work` inside a fresh root span and returns that span's context. */
async function inParentSpan(work: () => Promise<unknown>): Promise<SpanContext> {
  return tracer.startActiveSpan('test parent', async (parent) => {
    try {
      await work();
      return parent.spanContext();
    } finally {
      parent.end();
    }
  });
}

/** The one finished span of `traceId` with this name, once it has been exported. */
function finishedSpan(traceId: string, name: string): Promise<ReadableSpan> {
  return waitFor(
    () => {
      const spans = exporter
        .getFinishedSpans()
        .filter((span) => span.name === name && span.spanContext().traceId === traceId);
      return spans.length === 1 ? spans[0] : undefined;
    },
    { timeoutMs: 5_000, intervalMs: 20, description: `one finished "${name}" span in trace ${traceId}` },
  );
}

it('continues the caller’s trace in the handler of a call: parent → send (CLIENT) → process (SERVER)', async () => {
  const parent = await inParentSpan(() => caller.call(lookup, { bookId: 'b-call' }));

  expect(seenByHandler.get('b-call')).toBe(parent.traceId);
  const send = await finishedSpan(parent.traceId, 'catalog.lookup send');
  const processed = await finishedSpan(parent.traceId, 'catalog.lookup process');
  expect(send.kind).toBe(SpanKind.CLIENT);
  expect(send.parentSpanContext?.spanId).toBe(parent.spanId);
  expect(processed.kind).toBe(SpanKind.SERVER);
  expect(processed.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
  expect(processed.parentSpanContext?.isRemote).toBe(true);
  expect(send.attributes).toMatchObject({ 'trellis.policy': 'at-least-once', 'trellis.attempt': 1 });
});

it('continues the emitter’s trace in a subscriber: parent → send (PRODUCER) → process (CONSUMER)', async () => {
  const parent = await inParentSpan(() => caller.emit(viewed, { bookId: 'b-event' }));

  const processed = await finishedSpan(parent.traceId, 'catalog.bookViewed process');
  expect(seenByHandler.get('b-event')).toBe(parent.traceId);
  const send = await finishedSpan(parent.traceId, 'catalog.bookViewed send');
  expect(send.kind).toBe(SpanKind.PRODUCER);
  expect(send.parentSpanContext?.spanId).toBe(parent.spanId);
  expect(processed.kind).toBe(SpanKind.CONSUMER);
  expect(processed.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
});

it('starts separate traces for two calls made outside any span', async () => {
  await caller.call(lookup, { bookId: 'b-alone-1' });
  await caller.call(lookup, { bookId: 'b-alone-2' });
  const first = seenByHandler.get('b-alone-1');
  const second = seenByHandler.get('b-alone-2');
  expect(first).toMatch(/^[0-9a-f]{32}$/);
  expect(second).toMatch(/^[0-9a-f]{32}$/);
  expect(first).not.toBe(second);
});
