// The generators Nx finds through generators.json (via generators.cjs).
export { gatewayRouteGenerator } from './gateway-route/gateway-route.generator';
export { interfaceGenerator } from './interface/interface.generator';
export { nodeGenerator } from './node/node.generator';
