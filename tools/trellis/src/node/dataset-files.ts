// The pieces a logic node's keyed dataset adds (`--dataset`), laid out like apps/cart: the dataset declared in
// code, its sharing strategy in the settings, a DataNode with its ring membership and data bus in the module.
import { pascalCase } from '../names';

/** The names one dataset gets in the generated code. */
export interface DatasetNames {
  /** `notes` */
  readonly dataset: string;
  /** `NOTES`: the `DATASET_NOTES_*` and `NOTES_TTL_S` variables. */
  readonly upper: string;
  /** The value type: `NotesValue`. */
  readonly valueType: string;
  /** The injection token of the dataset: `NOTES_DATASET`. */
  readonly token: string;
}

export function datasetNames(dataset: string): DatasetNames {
  const upper = dataset.toUpperCase();
  return { dataset, upper, valueType: `${pascalCase(dataset)}Value`, token: `${upper}_DATASET` };
}

/** `src/datasets.ts`: what the code declares of the dataset (name, value schema, merge rule, time to live). */
export function datasetsFile(name: string, dataset: string): string {
  const names = datasetNames(dataset);
  return `// The ${name} node's keyed dataset as its code declares it: name, value type, merge rule. How it is shared
// (nothing, something, everything) is configuration: DATASET_${names.upper}_SHARING, or the blueprint's datasets entry.
import { defineDataset, singleValue } from '@trellis/data';
import type { DatasetDefinition } from '@trellis/data';
import { z } from 'zod';

/** One value of the \`${dataset}\` dataset: the last text stored under a key, and the one before it. */
export const ${dataset}ValueSchema = z.object({ text: z.string(), previous: z.string().nullable() });

/** A value of the \`${dataset}\` dataset. */
export type ${names.valueType} = z.output<typeof ${dataset}ValueSchema>;

/** Injection token of the node's \`Dataset<${names.valueType}>\`. */
export const ${names.token} = Symbol('${name}:${dataset}');

/**
 * The \`${dataset}\` dataset, each key living \`ttlSeconds\` after its last write. \`singleValue\`: under share-everything,
 * concurrent writes converge on one of them on every node.
 */
export function ${dataset}Dataset(ttlSeconds: number): DatasetDefinition<${names.valueType}> {
  return defineDataset({ name: '${dataset}', schema: ${dataset}ValueSchema, merge: singleValue<${names.valueType}>(), ttlSeconds });
}
`;
}

/** The settings the dataset adds to the node's schema (inside its \`z.object({ … })\`). */
export function datasetSettings(dataset: string): string {
  const { upper } = datasetNames(dataset);
  return `
    ${upper}_TTL_S: wholeNumber(1, 30 * 24 * 3600, 3600),
    ...sharingSettings('${dataset}'),
    RING_PARTITIONS: wholeNumber(1, 4096, 64),
    MEMBERSHIP_DEAD_AFTER_MS: wholeNumber(300, 60_000, 3_000),
    ANTI_ENTROPY_MS: wholeNumber(100, 600_000, 5_000),
    DATA_AMQP_URL: urlSetting(['amqp:', 'amqps:'], 'amqp://guest:guest@127.0.0.1:5672').optional(),`;
}

/** The JSDoc lines describing those settings. */
export function datasetSettingsDoc(name: string, dataset: string): string {
  const { upper } = datasetNames(dataset);
  return `
 * - \`${upper}_TTL_S\` (3600): seconds a key of the \`${dataset}\` dataset lives after its last write;
 * - \`DATASET_${upper}_SHARING\` (something), \`_REPLICAS\`, \`_WRITE_ACKS\`: its sharing strategy (\`sharingSettings\`);
 * - \`RING_PARTITIONS\` (64): partitions of the ${name} family's ring; every ${name} node must use the same number;
 * - \`MEMBERSHIP_DEAD_AFTER_MS\` (3000): any ${name} node whose ring heartbeat is older than this is dead;
 * - \`ANTI_ENTROPY_MS\` (5000): how often a share-everything dataset repairs with every other node;
 * - \`DATA_AMQP_URL\` (\`AMQP_URL\`): the broker connection for replication, apart from requests;`;
}

/** The Nest module of a logic node with a dataset. */
export function datasetModuleFile(name: string, dataset: string): string {
  const Name = pascalCase(name);
  const names = datasetNames(dataset);
  return `// The ${name} node as a Nest module: its bus, its data bus and ring membership, its \`${dataset}\` dataset with its
// configured sharing, and the handlers of its interfaces.
import { Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { Bus } from '@trellis/bus';
import { BusModule } from '@trellis/bus-nest';
import { DataNode, dataBusRouter, sharingOf } from '@trellis/data';
import { busOptionsFor } from '@trellis/node-kit';
import { Membership } from '@trellis/ring';
import type { Logger } from 'pino';
import { ${names.token}, ${dataset}Dataset } from './datasets';
import { NODE_ID } from './node-id';
import { ${Name}Handlers } from './${name}.handlers';
import type { ${Name}Settings } from './settings';

/** The bus of the node's replication traffic (its own broker connection). */
export const DATA_BUS = Symbol('${name}:data-bus');

/**
 * Joins the ring once the handlers consume (so no call routed here finds no queue), leaves it before the bus
 * drains (so callers move to the new owners while this node still answers their fetches), and closes the data
 * bus last.
 */
@Injectable()
class DataNodeLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  // Explicit tokens: tsx (which runs the nodes) emits no decorator metadata for Nest to read the types from.
  constructor(
    @Inject(DataNode) private readonly dataNode: DataNode,
    @Inject(DATA_BUS) private readonly dataBus: Bus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.dataNode.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.dataNode.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dataBus.close();
  }
}

/** The ${name} node's root module; build it with {@link create${Name}Module}. */
@Module({})
export class ${Name}Module {}

/**
 * The ${name} node for these settings: its bus, its data bus, its ring membership, the \`${dataset}\` dataset shared
 * as \`DATASET_${names.upper}_SHARING\` says, and its handlers. Starting it fails when the broker or Redis cannot be
 * reached. A logic node keeps no database: an exactly-once interface belongs on a service node.
 */
export function create${Name}Module(settings: ${Name}Settings, logger: Logger): DynamicModule {
  const definition = ${dataset}Dataset(settings.${names.upper}_TTL_S);
  return {
    module: ${Name}Module,
    imports: [BusModule.forRoot(busOptionsFor(settings, logger))],
    providers: [
      { provide: NODE_ID, useValue: settings.NODE_ID },
      {
        provide: DATA_BUS,
        useFactory: () =>
          Bus.connect({
            ...busOptionsFor(settings, logger.child({ bus: 'data' })),
            url: settings.DATA_AMQP_URL ?? settings.AMQP_URL,
            keyRouter: dataBusRouter,
          }),
      },
      {
        provide: DataNode,
        useFactory: (dataBus: Bus) =>
          new DataNode({
            membership: new Membership({
              url: settings.REDIS_URL,
              prefix: settings.DATA_PREFIX,
              family: settings.NODE_FAMILY,
              nodeId: settings.NODE_ID,
              partitionCount: settings.RING_PARTITIONS,
              deadAfterMs: settings.MEMBERSHIP_DEAD_AFTER_MS,
              logger,
            }),
            dataBus,
            datasets: [{ definition, sharing: sharingOf(settings, '${dataset}') }],
            antiEntropyEveryMs: settings.ANTI_ENTROPY_MS,
            logger,
          }),
        inject: [DATA_BUS],
      },
      DataNodeLifecycle,
      {
        provide: ${names.token},
        useFactory: (dataNode: DataNode) => dataNode.dataset(definition),
        inject: [DataNode],
      },
      ${Name}Handlers,
    ],
  };
}
`;
}

/** main.ts of a node with a dataset: ready once the dataset caught up, and the dataset in its heartbeat. */
export function datasetMain(name: string, type: string): string {
  const Name = pascalCase(name);
  return `// Runs one ${name} node (a ${type} node), its dataset shared across the ${name} family's ring as its settings say.
import { settings, telemetry } from './telemetry';
import { DataNode } from '@trellis/data';
import { bootstrapNode, createLogger } from '@trellis/node-kit';
import { create${Name}Module } from './${name}.module';

const logger = createLogger({
  nodeId: settings.NODE_ID,
  family: settings.NODE_FAMILY,
  level: settings.LOG_LEVEL,
});

// The data node is created inside the Nest module; until the application exists the node is not ready anyway.
let dataNode: DataNode | undefined;

// bootstrapNode owns the process from here on: start-up failures and signals end in its exits.
void bootstrapNode({
  module: create${Name}Module(settings, logger),
  settings,
  logger,
  telemetry,
  checks: { datasets: () => dataNode?.ready ?? false },
  describe: (app) => ({ datasets: app.get(DataNode).describe() }),
}).then((node) => {
  dataNode = node.app.get(DataNode);
});
`;
}
