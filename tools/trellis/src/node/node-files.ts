// The files of a new node family, laid out like the bookshop's nodes (apps/catalog, apps/cart): settings read
// once at start, telemetry first, a Nest module with the bus, one handlers file, its tests, a README.
import { interfaceNames, pascalCase } from '../names';
import {
  datasetMain,
  datasetModuleFile,
  datasetNames,
  datasetSettings,
  datasetSettingsDoc,
  datasetsFile,
} from './dataset-files';
import type { NodeOptions } from './node-options';

/** The example interface every new node serves: proof that a call reaches it, and a pattern to copy. */
export function exampleInterfaceOf(name: string) {
  return interfaceNames(`${name}.ping`);
}

function packageJson({ name, type, dataset }: NodeOptions): string {
  const manifest = {
    name: `@trellis/${name}`,
    version: '0.1.0',
    private: true,
    description: `The ${name} ${type} node.`,
    type: 'commonjs',
    main: './dist/main.js',
    scripts: { build: 'tsc -p tsconfig.app.json', start: 'node dist/main.js' },
    nx: { tags: [`node:${type}`, 'type:app'] },
    dependencies: {
      '@nestjs/common': '^12.5.1',
      '@nestjs/core': '^12.5.1',
      '@trellis/bus': '0.1.0',
      '@trellis/bus-nest': '0.1.0',
      '@trellis/contracts': '0.1.0',
      ...(dataset === undefined ? {} : { '@trellis/data': '0.1.0' }),
      ...(type === 'service' ? { '@trellis/database': '0.1.0' } : {}),
      '@trellis/node-kit': '0.1.0',
      ...(dataset === undefined ? {} : { '@trellis/ring': '0.1.0' }),
      pino: '^10.4.0',
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.2',
      zod: '^4.6.7',
    },
    devDependencies: { '@trellis/testing': '0.1.0' },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const tsconfigApp = `{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": {
    "rootDir": "src",
    "outDir": "dist",
    "tsBuildInfoFile": "dist/tsconfig.app.tsbuildinfo"
  },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts"]
}
`;

function telemetry({ name }: NodeOptions): string {
  return `// Loaded first by main.ts: reads the settings and registers OpenTelemetry before the node's own modules
// load, so that instrumentation sees every one of them.
import { loadSettings, startTelemetry } from '@trellis/node-kit';
import { ${name}SettingsSchema } from './settings';

/** The node's validated settings; a bad variable has already stopped the process with its name. */
export const settings = loadSettings(${name}SettingsSchema);

/** The registered OpenTelemetry SDK, flushed by \`bootstrapNode\` at shutdown. */
export const telemetry = startTelemetry(settings);
`;
}

function main({ name, type, dataset }: NodeOptions): string {
  if (dataset !== undefined) return datasetMain(name, type);
  const Name = pascalCase(name);
  return `// Runs one ${name} node (a ${type} node).
import { settings, telemetry } from './telemetry';
import { bootstrapNode, createLogger } from '@trellis/node-kit';
import { create${Name}Module } from './${name}.module';

const logger = createLogger({
  nodeId: settings.NODE_ID,
  family: settings.NODE_FAMILY,
  level: settings.LOG_LEVEL,
});

// bootstrapNode owns the process from here on: start-up failures and signals end in its exits.
void bootstrapNode({ module: create${Name}Module(settings, logger), settings, logger, telemetry });
`;
}

function settingsFile({ name, type, dataset }: NodeOptions): string {
  const Name = pascalCase(name);
  const withDataset = dataset !== undefined;
  const schema =
    type === 'service'
      ? `
    DATABASE_SCHEMA: z
      .string()
      // The schema name reaches SQL unquoted in the migration runner, so only plain names are allowed.
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'must be a plain lower-case SQL name, e.g. ${name}' })
      .default('${name}'),`
      : '';
  const described =
    type === 'service'
      ? `, and \`DATABASE_SCHEMA\` (\`${name}\`): the family's own
 * schema, where the bus also keeps its exactly-once inbox`
      : '';
  const imports = withDataset
    ? `import { sharingSettings } from '@trellis/data';
import { commonNodeSettings, defineSettings, urlSetting, wholeNumber } from '@trellis/node-kit';`
    : `import { commonNodeSettings, defineSettings } from '@trellis/node-kit';`;
  return `// The ${name} node's settings: the settings every node has (node-kit) plus its own. Read once, at start.
${imports}
import { z } from 'zod';

/**
 * The ${name} node's settings schema (read it with node-kit's \`loadSettings\` or \`readSettings\`):${withDataset ? datasetSettingsDoc(name, dataset) : ''}
 * \`NODE_FAMILY\` and \`NODE_TYPE\` default to \`${name}\` and \`${type}\`, so a node also starts by hand${described}.
 */
export const ${name}SettingsSchema = defineSettings(
  z.object({
    NODE_FAMILY: commonNodeSettings.shape.NODE_FAMILY.default('${name}'),
    NODE_TYPE: commonNodeSettings.shape.NODE_TYPE.default('${type}'),${schema}${withDataset ? datasetSettings(dataset) : ''}
  }),
);

/** Validated settings of one ${name} node. */
export type ${Name}Settings = z.output<typeof ${name}SettingsSchema>;
`;
}

const nodeIdFile = (
  name: string,
) => `/** Injection token of this node's id (\`NODE_ID\`), for replies that say which node answered. */
export const NODE_ID = Symbol('${name}:node-id');
`;

function moduleFile({ name, type, dataset }: NodeOptions): string {
  const Name = pascalCase(name);
  if (dataset !== undefined) return datasetModuleFile(name, dataset);
  if (type === 'logic') {
    return `// The ${name} node as a Nest module: its bus and the handlers of its interfaces.
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { BusModule } from '@trellis/bus-nest';
import { busOptionsFor } from '@trellis/node-kit';
import type { Logger } from 'pino';
import { NODE_ID } from './node-id';
import { ${Name}Handlers } from './${name}.handlers';
import type { ${Name}Settings } from './settings';

/** The ${name} node's root module; build it with {@link create${Name}Module}. */
@Module({})
export class ${Name}Module {}

/**
 * The ${name} node for these settings: its bus and its handlers. Starting it fails when the broker cannot be
 * reached, rather than running a node that serves nothing. A logic node keeps no database: an exactly-once
 * interface belongs on a service node, whose schema holds the inbox.
 */
export function create${Name}Module(settings: ${Name}Settings, logger: Logger): DynamicModule {
  return {
    module: ${Name}Module,
    imports: [BusModule.forRoot(busOptionsFor(settings, logger))],
    providers: [{ provide: NODE_ID, useValue: settings.NODE_ID }, ${Name}Handlers],
  };
}
`;
  }
  return `// The ${name} node as a Nest module: its database, its bus (with the exactly-once inbox in the same schema)
// and the handlers of its interfaces.
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { BusModule } from '@trellis/bus-nest';
import type { Database } from '@trellis/database';
import { busOptionsFor, FamilyDatabaseModule } from '@trellis/node-kit';
import type { Logger } from 'pino';
import { NODE_ID } from './node-id';
import { ${Name}Handlers } from './${name}.handlers';
import type { ${Name}Settings } from './settings';

/** Injection token of the ${name} family's \`Database\`. */
export const ${name}Database = Symbol('${name}:database');

/** The ${name} node's root module; build it with {@link create${Name}Module}. */
@Module({})
export class ${Name}Module {}

/**
 * The ${name} node for these settings: its schema (migrated at start), its bus, whose exactly-once inbox commits
 * in that schema with the handler's writes, and its handlers. Starting it fails when the broker or the database
 * cannot be reached; at shutdown the bus drains before the database closes.
 */
export function create${Name}Module(settings: ${Name}Settings, logger: Logger): DynamicModule {
  const database = FamilyDatabaseModule.forRoot({
    token: ${name}Database,
    family: '${name}',
    url: settings.DATABASE_URL,
    schema: settings.DATABASE_SCHEMA,
    // Beside \`src/\` and \`dist/\` alike.
    migrations: join(__dirname, '..', 'migrations'),
    logger,
  });
  return {
    module: ${Name}Module,
    imports: [
      database,
      BusModule.forRootAsync({
        imports: [database],
        inject: [${name}Database],
        useFactory: (db: Database) => ({
          ...busOptionsFor(settings, logger),
          exactlyOnce: { pool: db.pool, schema: db.schema },
        }),
      }),
    ],
    providers: [{ provide: NODE_ID, useValue: settings.NODE_ID }, ${Name}Handlers],
  };
}
`;
}

function handlers({ name, dataset }: NodeOptions): string {
  const Name = pascalCase(name);
  const ping = exampleInterfaceOf(name);
  if (dataset !== undefined) return datasetHandlers(name, dataset);
  return `// The ${name} family's interfaces on the bus: decode, call the domain, encode.
import { Inject, Injectable } from '@nestjs/common';
import type { HandlerContext } from '@trellis/bus-nest';
import { HandlesCall } from '@trellis/bus-nest';
import type { HandledRequestOf, HandlerReplyOf } from '@trellis/contracts';
import { ${ping.contractConst} } from '@trellis/contracts';
import { NODE_ID } from './node-id';

/** Serves the ${name}.* interfaces. */
@Injectable()
export class ${Name}Handlers {
  // Explicit token: tsx, which runs the nodes, emits no constructor type metadata for Nest to read.
  constructor(@Inject(NODE_ID) private readonly nodeId: string) {}

  /** \`${ping.interfaceName}\`, at-least-once: the text back, and which node answered (safe to repeat). */
  @HandlesCall(${ping.contractConst})
  ${ping.verb}(
    { text }: HandledRequestOf<typeof ${ping.contractConst}>,
    _context: HandlerContext,
  ): HandlerReplyOf<typeof ${ping.contractConst}> {
    return { text, handledBy: this.nodeId };
  }
}
`;
}

function handlersSpec({ name, dataset }: NodeOptions): string {
  const Name = pascalCase(name);
  const ping = exampleInterfaceOf(name);
  const names = dataset === undefined ? undefined : datasetNames(dataset);
  const setUp =
    names === undefined
      ? `import { ${Name}Handlers } from './${name}.handlers';

const handlers = new ${Name}Handlers('${name}-1');`
      : `import type { Dataset, UpdateFunction } from '@trellis/data';
import type { ${names.valueType} } from './datasets';
import { ${Name}Handlers } from './${name}.handlers';

/**
 * The \`${names.dataset}\` dataset as one node sees it, in a map: the handlers' logic without a ring (test/ runs the
 * real DataNode on Redis and the broker).
 */
function datasetInMemory<Value>(name: string): Dataset<Value> {
  const values = new Map<string, Value>();
  return {
    name,
    get: (key) => Promise.resolve(values.get(key)),
    set: (key, value) => {
      values.set(key, value);
      return Promise.resolve();
    },
    update<Next extends Value | undefined>(key: string, fn: UpdateFunction<Value, Next>): Promise<Next> {
      const next = fn(values.get(key));
      if (next === undefined) values.delete(key);
      else values.set(key, next);
      return Promise.resolve(next);
    },
    delete: (key) => {
      values.delete(key);
      return Promise.resolve();
    },
  };
}

const handlers = new ${Name}Handlers('${name}-1', datasetInMemory<${names.valueType}>('${names.dataset}'));`;
  const exampleTest =
    names === undefined
      ? `it('${ping.interfaceName} answers with the same text and the id of the node that handled it', () => {
  expect(handlers.${ping.verb}({ text: 'hello' }, contextFor('${ping.interfaceName}'))).toEqual({
    text: 'hello',
    handledBy: '${name}-1',
  });
});`
      : `it('${ping.interfaceName} stores the text under its key and answers with the text stored before', async () => {
  await expect(handlers.${ping.verb}({ key: 'k1', text: 'first' }, contextFor('${ping.interfaceName}'))).resolves.toEqual({
    key: 'k1',
    text: 'first',
    previous: null,
    handledBy: '${name}-1',
  });
  await expect(handlers.${ping.verb}({ key: 'k1', text: 'second' }, contextFor('${ping.interfaceName}'))).resolves.toEqual({
    key: 'k1',
    text: 'second',
    previous: 'first',
    handledBy: '${name}-1',
  });
  // Keys are apart: another key has nothing before.
  await expect(handlers.${ping.verb}({ key: 'k2', text: 'other' }, contextFor('${ping.interfaceName}'))).resolves.toMatchObject({
    previous: null,
  });
});`;
  return `// The ${name} handlers' replies, one request each, without a broker (test/ calls them over the bus).
import { pino } from 'pino';
import { expect, it } from 'vitest';
import type { HandlerContext } from '@trellis/bus-nest';
${setUp}

/** The context the bus hands a handler, for one first delivery of \`interfaceName\`. */
function contextFor(interfaceName: string): HandlerContext {
  return {
    messageId: \`\${interfaceName}-message-1\`,
    correlationId: \`\${interfaceName}-call-1\`,
    attempt: 1,
    redelivered: false,
    key: undefined,
    idempotencyKey: undefined,
    logger: pino({ level: 'silent' }),
    get db(): never {
      throw new Error(\`\${interfaceName}: only exactly-once handlers have a transaction; test those in test/\`);
    },
    emit: () => Promise.resolve(),
  };
}

${exampleTest}
`;
}

/** The handlers of a node with a dataset: the example interface reads and writes it. */
function datasetHandlers(name: string, dataset: string): string {
  const Name = pascalCase(name);
  const ping = exampleInterfaceOf(name);
  const names = datasetNames(dataset);
  return `// The ${name} family's interfaces on the bus: decode, call the domain, encode.
import { Inject, Injectable } from '@nestjs/common';
import type { HandlerContext } from '@trellis/bus-nest';
import { HandlesCall } from '@trellis/bus-nest';
import type { HandledRequestOf, HandlerReplyOf } from '@trellis/contracts';
import { ${ping.contractConst} } from '@trellis/contracts';
import type { Dataset } from '@trellis/data';
import type { ${names.valueType} } from './datasets';
import { ${names.token} } from './datasets';
import { NODE_ID } from './node-id';

/** Serves the ${name}.* interfaces. */
@Injectable()
export class ${Name}Handlers {
  // Explicit tokens: tsx, which runs the nodes, emits no constructor type metadata for Nest to read.
  constructor(
    @Inject(NODE_ID) private readonly nodeId: string,
    @Inject(${names.token}) private readonly ${dataset}: Dataset<${names.valueType}>,
  ) {}

  /**
   * \`${ping.interfaceName}\`, at-least-once, by key: stores the text under the key and answers with the one before. The
   * update is atomic per key on the key's owner; a node that does not own the key refuses with \`data.not_owner\`,
   * which the caller retries on the newer ring.
   */
  @HandlesCall(${ping.contractConst})
  async ${ping.verb}(
    { key, text }: HandledRequestOf<typeof ${ping.contractConst}>,
    _context: HandlerContext,
  ): Promise<HandlerReplyOf<typeof ${ping.contractConst}>> {
    const stored = await this.${dataset}.update(key, (current) => ({ text, previous: current?.text ?? null }));
    return { key, ...stored, handledBy: this.nodeId };
  }
}
`;
}

/**
 * The module set-up a test of the node needs: a vhost, for a service node a schema too, for a node with a dataset
 * a Redis key prefix of its own (deleted afterwards) and a wait until the node's dataset is ready.
 */
export function integrationHarness(
  { name, type, dataset }: Pick<NodeOptions, 'name' | 'type'> & { dataset?: string | undefined },
  label: string,
): {
  imports: string;
  setUp: string;
  tearDown: string;
} {
  const Name = pascalCase(name);
  const service = type === 'service';
  const withDataset = dataset !== undefined;
  return {
    imports: `import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bus } from '@trellis/bus';
import { readSettings } from '@trellis/node-kit';
import type { ${service ? 'PgSchema, ' : ''}RabbitVhost } from '@trellis/testing';
import { ${service ? 'createPgSchema, ' : ''}createRabbitVhost${withDataset ? ', deleteRedisPrefix, waitFor' : ''} } from '@trellis/testing';${withDataset ? "\nimport { DataNode } from '@trellis/data';\nimport { randomUUID } from 'node:crypto';" : ''}
import { create${Name}Module } from '../src/${name}.module';
import { ${name}SettingsSchema } from '../src/settings';`,
    setUp: `const logger = pino({ level: 'silent' });${withDataset ? `\n// A key prefix of its own, so the ring and the dataset start empty and other tests' rings are not touched.\nconst dataPrefix = \`trellis-test-${label}-\${randomUUID()}\`;` : ''}
let vhost: RabbitVhost;${service ? '\nlet schema: PgSchema;' : ''}
let app: INestApplicationContext;
let caller: Bus;

beforeAll(async () => {
  vhost = await createRabbitVhost('${label}');${service ? `\n  schema = await createPgSchema('${label.replaceAll('-', '_')}');` : ''}
  const settings = readSettings(${name}SettingsSchema, {
    NODE_ID: '${name}-1',
    AMQP_URL: vhost.url,${service ? '\n    DATABASE_URL: schema.connectionString,\n    DATABASE_SCHEMA: schema.schema,' : ''}${withDataset ? '\n    DATA_PREFIX: dataPrefix,' : ''}
  });
  app = await NestFactory.createApplicationContext(create${Name}Module(settings, logger), {
    logger: false,
    abortOnError: false,
  });${withDataset ? `\n  // The node serves its keys once it owns its partitions on the ring and its dataset caught up.\n  const dataNode = app.get(DataNode);\n  await waitFor(() => dataNode.ready, { timeoutMs: 10_000, description: '${name}-1 ready on its ring' });` : ''}
  caller = await Bus.connect({ url: vhost.url, logger, nodeId: 'caller-1' });
});`,
    tearDown: `afterAll(async () => {
  await caller?.close();
  await app?.close();${service ? '\n  await schema?.drop();' : ''}${withDataset ? '\n  await deleteRedisPrefix(dataPrefix);' : ''}
  await vhost?.delete();
});`,
  };
}

function integrationTest(options: NodeOptions): string {
  const { name } = options;
  const ping = exampleInterfaceOf(name);
  const harness = integrationHarness(options, `${name}-ping`);
  return `// One ${name} node booted as in a cluster, called through its own bus connection like a real caller node.
${harness.imports}
import { ${ping.contractConst} } from '@trellis/contracts';

${harness.setUp}

${harness.tearDown}

${options.dataset === undefined ? plainPingTest(name) : datasetPingTest(name, options.dataset)}
`;
}

function plainPingTest(name: string): string {
  const ping = exampleInterfaceOf(name);
  return `it('answers ${ping.interfaceName} over the real broker, naming the node that handled it', async () => {
  const started = performance.now();
  const reply = await caller.call(${ping.contractConst}, { text: 'hello over the bus' });
  process.stdout.write(\`${ping.interfaceName}: replied in \${Math.round(performance.now() - started)} ms\\n\`);
  expect(reply).toEqual({ text: 'hello over the bus', handledBy: '${name}-1' });
});`;
}

function datasetPingTest(name: string, dataset: string): string {
  const ping = exampleInterfaceOf(name);
  return `it('answers ${ping.interfaceName} over the real broker from its ${dataset} dataset: the text stored before under the key', async () => {
  const key = randomUUID();
  const started = performance.now();
  const first = await caller.call(${ping.contractConst}, { key, text: 'first' });
  const second = await caller.call(${ping.contractConst}, { key, text: 'second' });
  process.stdout.write(\`${ping.interfaceName}: two calls in \${Math.round(performance.now() - started)} ms\\n\`);
  expect(first).toEqual({ key, text: 'first', previous: null, handledBy: '${name}-1' });
  expect(second).toEqual({ key, text: 'second', previous: 'first', handledBy: '${name}-1' });
});`;
}

function migration({ name }: NodeOptions): string {
  return `-- The ${name} family's first migration, in its own schema (the bus keeps its inbox and outbox there too).
-- Put the family's tables here; every later change is a new file, never an edit of this one.

-- Up Migration
SELECT 1;

-- Down Migration
SELECT 1;
`;
}

function readme({ name, type, dataset }: NodeOptions): string {
  const ping = exampleInterfaceOf(name);
  const what =
    dataset === undefined
      ? 'answers with the text it was sent and the id of the node that handled it'
      : `by key: stores the text under the key in the \`${dataset}\` dataset, answers with the text stored before`;
  const data =
    dataset !== undefined
      ? `\n## Data\n\nThe keyed dataset \`${dataset}\` (\`src/datasets.ts\`) lives on the ${name} family's ring (Redis holds the ring, the nodes\nhold the data). How it is shared is configuration: the blueprints' \`datasets: { ${dataset}: { sharing: … } }\`, or\n\`DATASET_${datasetNames(dataset).upper}_SHARING=nothing|something|everything\` (see \`libs/data/README.md\` to choose). \`${ping.interfaceName}\` is\nrouted by key, so the gateway sends each call to the key's owner on the ring (\`apps/gateway/src/keyed-rings.ts\`).\n`
      : type === 'service'
        ? `\n## Data\n\nThe family's own Postgres schema (\`DATABASE_SCHEMA\`, default \`${name}\`), migrated at start from \`migrations/\`.\nThe bus keeps its exactly-once inbox and outbox in the same schema, so an exactly-once handler's writes through\n\`context.db\` commit together with the call's idempotency key.\n`
        : '';
  return `# ${name} (${type} node)

| interface | policy | what it does |
| --- | --- | --- |
| \`${ping.interfaceName}\` | at-least-once | ${what} |

Add an interface with \`npx nx g @trellis/plugin:interface ${name} ${name}.<verb> --policy=<policy>\` (see
\`docs/make-it-yours.md\`).
${data}
## Code

- \`src/main.ts\`: runs one node (\`src/telemetry.ts\` first, then \`bootstrapNode\`: health, graceful shutdown).
- \`src/settings.ts\`: the node's settings, read once from the environment.
- \`src/${name}.module.ts\`: the Nest module; \`src/${name}.handlers.ts\`: one method per interface.
- Contracts: \`libs/contracts/src/${name}.ts\`. Tests: \`src/*.spec.ts\` (unit), \`test/\` (real broker).
`;
}

/** The contracts file of the new family, with its example interface. */
export function contractsFile({ name, dataset }: NodeOptions): string {
  const ping = exampleInterfaceOf(name);
  if (dataset !== undefined) {
    return `// The ${name} family's interfaces: names, schemas and policies shared by callers and handlers.
import { z } from 'zod';
import { defineCall } from './contract';

/**
 * Stores the text under the key in the ${name} family's \`${dataset}\` dataset and answers with the text stored
 * before. Routed by key, so every call for a key reaches the node that owns it on the ring. Safe to repeat:
 * at-least-once (a repeat stores the same text, and answers it as the one before).
 */
export const ${ping.contractConst} = defineCall({
  name: '${ping.interfaceName}',
  policy: 'at-least-once',
  request: z.object({ key: z.string().min(1).max(200), text: z.string().min(1).max(200) }),
  reply: z.object({ key: z.string(), text: z.string(), previous: z.string().nullable(), handledBy: z.string() }),
  routing: { kind: 'by-key', keyOf: (request) => request.key },
  timeoutMs: 3_000,
});
`;
  }
  return `// The ${name} family's interfaces: names, schemas and policies shared by callers and handlers.
import { z } from 'zod';
import { defineCall } from './contract';

/** Answers with the text it was sent and the node that handled it. Safe to repeat: at-least-once. */
export const ${ping.contractConst} = defineCall({
  name: '${ping.interfaceName}',
  policy: 'at-least-once',
  request: z.object({ text: z.string().min(1).max(200) }),
  reply: z.object({ text: z.string(), handledBy: z.string() }),
  timeoutMs: 2_000,
});
`;
}

/** Every file of the new node's app, by path. */
export function appFiles(options: NodeOptions, migrationId: string): Record<string, string> {
  const { name } = options;
  const root = `apps/${name}`;
  const files: Record<string, string> = {
    [`${root}/package.json`]: packageJson(options),
    [`${root}/tsconfig.app.json`]: tsconfigApp,
    [`${root}/README.md`]: readme(options),
    [`${root}/src/main.ts`]: main(options),
    [`${root}/src/telemetry.ts`]: telemetry(options),
    [`${root}/src/settings.ts`]: settingsFile(options),
    [`${root}/src/node-id.ts`]: nodeIdFile(name),
    [`${root}/src/${name}.module.ts`]: moduleFile(options),
    [`${root}/src/${name}.handlers.ts`]: handlers(options),
    [`${root}/src/${name}.handlers.spec.ts`]: handlersSpec(options),
    [`${root}/test/${name}.answers-ping-over-the-bus.spec.ts`]: integrationTest(options),
  };
  if (options.dataset !== undefined) files[`${root}/src/datasets.ts`] = datasetsFile(name, options.dataset);
  if (options.type === 'service') files[`${root}/migrations/${migrationId}_${name}.sql`] = migration(options);
  return files;
}
