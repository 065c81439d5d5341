// The non-secret settings every node reads from the ConfigMap, with the values the base gives them.

/** The ConfigMap that holds them, and the blueprint file the deployment follows. */
export const SETTINGS_CONFIG_MAP = 'trellis-settings';

/** Its key that holds the blueprint file (a record of what the deployment follows; no node reads it). */
export const BLUEPRINT_KEY = 'blueprint.yaml';

/** The settings and their values. Host names are Service names in the namespace (the same in both overlays). */
export const CLUSTER_SETTINGS = {
  /** The broker's Service: the dev StatefulSet's, or the one the RabbitMQ Cluster Operator makes for `rabbitmq`. */
  AMQP_HOST: 'rabbitmq',
  BUS_PREFIX: 'trellis',
  DATA_PREFIX: 'trellis',
  LOG_LEVEL: 'info',
} as const;

/** The name of one setting. */
export type SettingName = keyof typeof CLUSTER_SETTINGS;
