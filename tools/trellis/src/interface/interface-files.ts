// The pieces one interface adds: its contract, its handler stub, and the test that fails until it is written.
import { integrationHarness } from '../node/node-files';
import type { InterfaceOptions } from './interface-options';
import { policyPromise } from './policies';

/**
 * The contract, with example schemas to replace: a request with an `id` (the key when routed by key) and a
 * reply. Timeout and retries are spelled out, so that they are chosen rather than inherited.
 */
export function contractOf(options: InterfaceOptions): string {
  const routing =
    options.route === 'by-key'
      ? `\n  // Every call with the same id reaches the same node of the family.\n  routing: { kind: 'by-key', keyOf: (request) => request.id },`
      : '';
  const retry =
    options.policy === 'at-most-once'
      ? ''
      : `\n  retry: { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 2_000 },`;
  return `
/**
 * \`${options.interfaceName}\`, ${options.policy}.
 * ${policyPromise[options.policy]}
 */
export const ${options.contractConst} = defineCall({
  name: '${options.interfaceName}',
  policy: '${options.policy}',
  request: z.object({ id: z.string().min(1) }),
  reply: z.object({ id: z.string(), done: z.boolean() }),${routing}
  timeoutMs: 2_000,${retry}
});
`;
}

const notImplemented = (options: InterfaceOptions, method: string) =>
  `throw new Error('${options.interfaceName} is not implemented yet: write ${options.handlersClass}.${method}');`;

/** The handler method: it compiles, and throws until it is written. */
export function handlerMethodOf(options: InterfaceOptions): string {
  const { contractConst: contract, verb } = options;
  const types = `HandledRequestOf<typeof ${contract}>`;
  const reply = `Promise<HandlerReplyOf<typeof ${contract}>>`;
  if (options.policy !== 'exactly-once') {
    return `  /**
   * \`${options.interfaceName}\`, ${options.policy}.
   * ${policyPromise[options.policy]}
   */
  @HandlesCall(${contract})
  ${verb}(_request: ${types}, _context: HandlerContext): ${reply} {
    ${notImplemented(options, verb)}
  }`;
  }
  return `  /**
   * \`${options.interfaceName}\`, exactly-once: every write goes through \`context.db\`, the transaction in which the bus
   * also records the call's idempotency key, so the effect and the key commit together or not at all.
   */
  @HandlesCall(${contract})
  ${verb}(request: ${types}, context: HandlerContext): ${reply} {
    return this.${verb}InTransaction(context.db, request);
  }

  /** The effect of \`${options.interfaceName}\`, inside the inbox transaction. */
  private ${verb}InTransaction(_transaction: HandlerContext['db'], _request: ${types}): ${reply} {
    ${notImplemented(options, `${verb}InTransaction`)}
  }`;
}

/** The unit test appended to the handlers' spec (not exactly-once: that one needs the real transaction). */
export function unitTestOf(options: InterfaceOptions): string {
  return `
it('${options.interfaceName} answers its request with the reply the contract promises', async () => {
  await expect(handlers.${options.verb}({ id: 'example-1' }, contextFor('${options.interfaceName}'))).resolves.toEqual({
    id: 'example-1',
    done: true,
  });
});
`;
}

/** Where the exactly-once test goes: under test/, since it needs the broker and the family's schema. */
export function exactlyOnceTestPath(options: InterfaceOptions): string {
  return `apps/${options.node}/test/${options.verb}.replies-once-per-idempotency-key.spec.ts`;
}

/** The test of an exactly-once interface: the reply, and the same reply to a repeat of the same key. */
export function exactlyOnceTestOf(options: InterfaceOptions): string {
  const harness = integrationHarness(
    { name: options.node, type: 'service' },
    `${options.node}-${options.verb}`,
  );
  return `// \`${options.interfaceName}\` over the real broker and the family's schema: one effect per idempotency key.
${harness.imports}
import { ${options.contractConst} } from '@trellis/contracts';

${harness.setUp}

${harness.tearDown}

it('${options.interfaceName} replies, and replies the same to a repeat of the same idempotency key', async () => {
  const request = { id: 'example-1' };
  const first = await caller.call(${options.contractConst}, request, { idempotencyKey: 'example-key-1' });
  const repeated = await caller.call(${options.contractConst}, request, { idempotencyKey: 'example-key-1' });
  process.stdout.write(\`${options.interfaceName}: \${JSON.stringify(first)} then \${JSON.stringify(repeated)}\\n\`);
  expect(first).toEqual({ id: 'example-1', done: true });
  expect(repeated).toEqual(first);
});
`;
}
