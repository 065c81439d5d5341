// The local cluster runner's settings, read once from the environment at start.
import { z } from 'zod';

import { SupervisorErrors } from './errors';

// An empty variable counts as unset, so `VAR= npm start` falls back to the default.
const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);
const wholeNumber = (minimum: number, fallback: number) =>
  z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number()
      .int({ error: `must be a whole number, ${minimum} or more` })
      .min(minimum, { error: `must be a whole number, ${minimum} or more` })
      .default(fallback),
  );

const settingsSchema = z.object({
  /** The blueprint file, relative to the root. */
  BLUEPRINT_FILE: z.preprocess(unsetIfEmpty, z.string().default('deploy/blueprint.yaml')),
  /** The workspace root; the working directory by default. */
  CLUSTER_ROOT: z.preprocess(unsetIfEmpty, z.string().optional()),
  SUPERVISOR_MAX_RESTARTS: wholeNumber(0, 10),
  SUPERVISOR_RESTART_PERIOD_MS: wholeNumber(1, 30_000),
  SUPERVISOR_STOP_TIMEOUT_MS: wholeNumber(0, 10_000),
  LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  ),
});

/** The validated settings of the local cluster runner. */
export type ClusterSettings = z.infer<typeof settingsSchema>;

/**
 * Reads the settings from `env`.
 *
 * @throws TrellisError `supervisor.invalid_setting` naming each variable at fault and what it allows.
 */
export function clusterSettingsFrom(env: Readonly<Record<string, string | undefined>>): ClusterSettings {
  const parsed = settingsSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.map(String).join('.')}: ${issue.message}`);
  throw SupervisorErrors.invalidSetting.create(`Invalid cluster settings:\n${lines.join('\n')}`);
}
