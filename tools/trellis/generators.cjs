/* global __filename */
// Nx's entry into the generators. Nx loads a TypeScript entry with Node's type stripping, which does not
// resolve the extensionless imports the workspace writes; tsx, the workspace's TypeScript runner, does.
const { require: requireTypeScript } = require('tsx/cjs/api');

module.exports = requireTypeScript('./src/index.ts', __filename);
