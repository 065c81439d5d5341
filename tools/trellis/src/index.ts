// The generators Nx finds through generators.json (via generators.cjs).
export { interfaceGenerator } from './interface/interface.generator';
export { nodeGenerator } from './node/node.generator';
