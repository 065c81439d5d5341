// The backing services of a development cluster (the dev overlay's StatefulSets and the compose file's
// services): one image each, pinned to a release line, never `latest`.

/** The images, the same in the dev overlay and the compose file. */
export const BACKING_SERVICE_IMAGES = {
  rabbitmq: 'rabbitmq:3.13-management',
  redis: 'redis:7.2-alpine',
  postgres: 'postgres:16-alpine',
} as const;

/** The users the images run their server as (from the images' own Dockerfiles). */
export const BACKING_SERVICE_USERS = {
  rabbitmq: { uid: 999, gid: 999 },
  redis: { uid: 999, gid: 1000 },
  postgres: { uid: 70, gid: 70 },
} as const;

/** Redis keeps nothing on disk: it holds the rings' membership, which the nodes rebuild by heartbeats. */
export const REDIS_ARGS = ['--save', '', '--appendonly', 'no'] as const;

/** The broker's management API port (KEDA reads queue depths there; the UI for people). */
export const RABBITMQ_MANAGEMENT_PORT = 15672;
