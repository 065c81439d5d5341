// The code of one generated gateway route: the contract's zod schemas validate the request and document it in
// the OpenAPI document, and the route is one bus call (or emit) of the contract.
import type { GatewayRouteOptions } from './gateway-route-options';

/** What the route's request is made of, and the Fastify generic that types it. */
function requestParts(options: GatewayRouteOptions): {
  generic: string[];
  schema: string[];
  request: string;
} {
  const { constName: contract } = options.contract;
  const full = `HandledRequestOf<typeof ${contract}>`;
  const picked = options.pathParameters.map((parameter) => `${parameter}: true`).join(', ');
  const keys = options.pathParameters.map((parameter) => `'${parameter}'`).join(' | ');
  const rest = options.method === 'GET' || options.method === 'DELETE' ? 'query' : 'body';
  const restPart =
    rest === 'query'
      ? { generic: 'Querystring', schema: 'querystring' }
      : { generic: 'Body', schema: 'body' };
  if (options.pathParameters.length === 0) {
    return {
      generic: [`${restPart.generic}: ${full}`],
      schema: [`${restPart.schema}: ${contract}.request`],
      request: `request.${rest}`,
    };
  }
  const fields = options.contract.requestFields;
  if (fields !== undefined && fields.every((field) => options.pathParameters.includes(field))) {
    // The path holds the whole request: no query string or body to read (Fastify types an empty one as unknown).
    return {
      generic: [`Params: Pick<${full}, ${keys}>`],
      schema: [`params: ${contract}.request.pick({ ${picked} })`],
      request: 'request.params',
    };
  }
  return {
    generic: [`Params: Pick<${full}, ${keys}>`, `${restPart.generic}: Omit<${full}, ${keys}>`],
    schema: [
      `params: ${contract}.request.pick({ ${picked} })`,
      `${restPart.schema}: ${contract}.request.omit({ ${picked} })`,
    ],
    request: `{ ...request.params, ...request.${rest} }`,
  };
}

/** The imports a route needs from each module, types apart. */
export function routeImports(options: GatewayRouteOptions): {
  values: Record<string, string[]>;
  types: Record<string, string[]>;
} {
  const exactlyOnce = options.contract.kind === 'call' && options.contract.policy === 'exactly-once';
  return {
    values: {
      '@trellis/contracts': [options.contract.constName],
      '../route-schemas': exactlyOnce ? ['idempotencyKeyHeaders', 'problemBody'] : ['problemBody'],
    },
    types: {
      '@trellis/contracts': ['Contract', 'HandledRequestOf'],
      ...(exactlyOnce ? { zod: ['z'] } : {}),
    },
  };
}

/** The route's registration, a statement of the family's register function. */
export function routeStatement(options: GatewayRouteOptions): string {
  const { contract } = options;
  const parts = requestParts(options);
  const method = options.method.toLowerCase();
  const routing = contract.byKey ? ", to the node that owns the request's key" : '';
  if (contract.kind === 'message') {
    return `  // ${options.method} ${options.path}: \`${contract.interfaceName}\` (${contract.policy}), one way${routing}.
  // 202 means the bus took the message, not that it was handled.
  api.post<{ ${parts.generic.join('; ')} }>(
    '${options.path}',
    {
      schema: {
        tags: ['${options.family}'],
        summary: '${contract.interfaceName} (${contract.policy}, one way): accepted once the bus took it',
        ${parts.schema.join(',\n        ')},
        response: { '4XX': problemBody, '5XX': problemBody },
      },
    },
    async (request, reply) => {
      await context.bus.emit(${contract.constName}, ${parts.request});
      return reply.code(202).send();
    },
  );`;
  }
  const exactlyOnce = contract.policy === 'exactly-once';
  const generic = exactlyOnce
    ? [...parts.generic, 'Headers: z.output<typeof idempotencyKeyHeaders>']
    : parts.generic;
  const schema = exactlyOnce ? [...parts.schema, 'headers: idempotencyKeyHeaders'] : parts.schema;
  const options_ = exactlyOnce ? `, { idempotencyKey: request.headers['idempotency-key'] }` : '';
  const why = exactlyOnce
    ? `\n  // The client's Idempotency-Key makes a retried request the same call: its effect happens once.`
    : '';
  return `  // ${options.method} ${options.path}: \`${contract.interfaceName}\` (${contract.policy})${routing}. The request
  // and reply schemas are the contract's, so the gateway accepts what the bus accepts, and /docs shows them.${why}
  api.${method}<{ ${generic.join('; ')} }>(
    '${options.path}',
    {
      schema: {
        tags: ['${options.family}'],
        summary: '${contract.interfaceName} (${contract.policy})',
        ${schema.join(',\n        ')},
        response: { 200: ${contract.constName}.reply, '4XX': problemBody, '5XX': problemBody },
      },
    },
    async (request) => context.bus.call(${contract.constName}, ${parts.request}${options_}),
  );`;
}

/** A new API module for the family, holding this first route. */
export function apiModuleOf(options: GatewayRouteOptions): string {
  const imports = routeImports(options);
  const { names, family } = options;
  const lines = [
    ...Object.entries(imports.values).map(([from, list]) => `import { ${list.join(', ')} } from '${from}';`),
    ...Object.entries(imports.types).map(
      ([from, list]) => `import type { ${list.join(', ')} } from '${from}';`,
    ),
  ];
  const serving = options.servedByRing ? `{ ${family}: '${family}' }` : '{}';
  return `// The ${family} family's REST API on the gateway: each route one call of one of its interfaces over the bus. Errors
// become problem+json in the gateway's error handler (problem.ts); a code listed nowhere keeps its catalogue's status.
${lines.filter((line) => !line.includes("'../")).join('\n')}
import type { FastifyInstance } from 'fastify';

import type { GatewayApi, GatewayContext } from '../gateway-api';
${lines.filter((line) => line.includes("'../")).join('\n')}

/** The ${family}.* interfaces the routes call: the gateway's readiness waits for a live node of each. */
const ${names.calledInterfaces}: Contract[] = [${options.contract.constName}];

/** Keyed interface family → the node family whose ring the gateway routes it by (the key's owner serves it). */
const ${names.servingFamilies}: Record<string, string> = ${serving};

/** The ${family} routes. Public: no session needed. */
function ${names.registerFunction}(api: FastifyInstance, context: GatewayContext): void {
${routeStatement(options)}
}

/** The ${family} family's routes, the interfaces they call, and the rings they follow. */
export const ${names.api}: GatewayApi = {
  name: '${family}',
  calledInterfaces: ${names.calledInterfaces},
  servingFamilies: ${names.servingFamilies},
  errorTypes: [],
  problems: new Map(),
  register: ${names.registerFunction},
};
`;
}

/** The schemas every generated API module shares, written once. */
export const routeSchemasModule = `// What the generated API modules' routes share: the problem+json body (for the OpenAPI document) and the
// Idempotency-Key header of routes to exactly-once interfaces.
import { z } from 'zod';

/** The problem+json body every error has (problem.ts builds it). */
export const problemBody = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  code: z.string(),
  requestId: z.string(),
  issues: z.unknown().optional(),
});

/**
 * The client's Idempotency-Key (visible ASCII, as HTTP header values are), which makes a retried request the same
 * exactly-once call. Loose, so the other headers stay on the request.
 */
export const idempotencyKeyHeaders = z.looseObject({
  'idempotency-key': z.string().regex(/^[\\x21-\\x7e]{1,200}$/, 'must be 1 to 200 visible ASCII characters'),
});
`;
