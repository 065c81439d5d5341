export { openDatabase } from './database';
export type { Database, DatabaseOptions, Queryable } from './database';
export { migrateSchema } from './migrate-schema';
export type { MigrateSchemaOptions } from './migrate-schema';
