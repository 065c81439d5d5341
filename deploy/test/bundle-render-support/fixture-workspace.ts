// The renderer tests' fixture workspace (deploy/test/fixtures/workspace): three blueprints laid out as the
// repository's, naming a family of every node type and the payment-provider simulator, and an app manifest per
// family. Tests that need such families render from it: the repository's own change from fork to fork.
import { resolve } from 'node:path';

/** The fixture workspace's root, to render from as the repository's root. */
export const FIXTURE_WORKSPACE = resolve(__dirname, '..', 'fixtures', 'workspace');
