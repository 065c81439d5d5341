// The payment-provider simulator of the dev overlay: the same image and restrictions as a node, its health
// routes on its own port (it is a stand-in for a third-party API, not a platform node).
import { IMAGE_NAME } from '../bundle-layout';
import { envVarOf } from '../kubernetes/env-vars';
import { disruptionBudgetOf, serviceAccountOf, serviceOf } from '../kubernetes/family-objects';
import { deploymentOf } from '../kubernetes/node-deployment';
import { simulatorEnvironment } from '../node-environment';
import type { NodeFamily } from '../node-family';
import { SIMULATOR_PORT } from '../node-runtime';
import type { Manifest } from '../output/yaml-file';
import type { ThirdPartySystem } from '../third-party-systems';

/** The simulator's Deployment, ServiceAccount, PodDisruptionBudget and Service (named after the family). */
export function simulatorManifests(
  system: ThirdPartySystem,
  family: NodeFamily,
  version: string,
): Manifest[] {
  return [
    {
      value: deploymentOf({
        name: family.name,
        component: family.type,
        version,
        replicas: family.count,
        image: `${IMAGE_NAME}:${version}`,
        entry: family.entry,
        profile: family.profile,
        env: simulatorEnvironment(system, family.env).map(envVarOf),
        ports: [{ name: 'http', containerPort: SIMULATOR_PORT }],
        probePort: 'http',
      }),
      comment: `The ${family.name} simulator: what ${system.client} charges through in development.`,
    },
    { value: serviceAccountOf(family.name, family.type, version) },
    { value: disruptionBudgetOf(family.name, family.type, version) },
    {
      value: serviceOf({
        name: family.name,
        family: family.name,
        component: family.type,
        version,
        port: SIMULATOR_PORT,
        portName: 'http',
      }),
    },
  ];
}
