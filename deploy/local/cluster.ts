// Runs the local cluster from deploy/blueprint.yaml as supervised child processes, until Ctrl-C.
// Start it from the repository root: node --conditions=@trellis/source --import tsx deploy/local/cluster.ts
import { runCluster } from '@trellis/supervisor';

void runCluster(process.env).then((code) => {
  process.exitCode = code;
});
