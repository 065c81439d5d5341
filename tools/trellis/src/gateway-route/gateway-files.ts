// Where the gateway keeps what the route generator reads and edits (apps/gateway/src): the list of its API
// modules, and one API module per interface family the generator exposes.

/** The gateway's sources. */
export const gatewaySources = 'apps/gateway/src';

/** The list of API modules the gateway serves. */
export const apiModulesFile = 'apps/gateway/src/api-modules.ts';

/** What the generated API modules share: the problem+json body and the Idempotency-Key header schemas. */
export const routeSchemasFile = 'apps/gateway/src/route-schemas.ts';

/** The API module of an interface family (`inventory` → `apps/gateway/src/inventory/inventory-api.ts`). */
export function apiModuleFileOf(family: string): string {
  return `${gatewaySources}/${family}/${family}-api.ts`;
}

/** The names a family's API module declares (`inventory` → `inventoryApi`, `registerInventoryRoutes`, …). */
export function apiModuleNamesOf(family: string) {
  const Family = `${family.charAt(0).toUpperCase()}${family.slice(1)}`;
  return {
    api: `${family}Api`,
    registerFunction: `register${Family}Routes`,
    calledInterfaces: `${family}CalledInterfaces`,
    servingFamilies: `${family}ServingFamilies`,
  };
}
