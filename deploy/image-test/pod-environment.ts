// A container's environment as the kubelet builds it from a rendered bundle: envFrom first, then env in
// order; values from ConfigMaps, Secrets and the pod's own fields; `$(NAME)` references to variables
// defined earlier expanded (and in command and args too). Written here because no library does this
// offline; it follows the rules of the Kubernetes API reference for EnvVar and Container.command.
import type { KubeObject } from '../bundle-checks/kube-object';
import type { ContainerSpec } from './pod-spec';

/** What the pod's fieldRefs can read: the pod as the test names it. */
export interface PodIdentity {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** The ConfigMaps and Secrets of the rendered bundle, looked up by namespace and name. */
export interface ConfigSources {
  configMap(namespace: string, name: string): Readonly<Record<string, string>> | undefined;
  secret(namespace: string, name: string): Readonly<Record<string, string>> | undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/**
 * The ConfigMaps and Secrets among `objects`. A Secret's `data` is base64 and its `stringData` plain text;
 * as the API server does, `stringData` wins for a key in both.
 */
export function configSourcesOf(objects: readonly KubeObject[]): ConfigSources {
  const key = (namespace: string, name: string): string => `${namespace}/${name}`;
  const configMaps = new Map<string, Record<string, string>>();
  const secrets = new Map<string, Record<string, string>>();
  for (const object of objects) {
    const id = key(object.metadata.namespace ?? 'default', object.metadata.name);
    if (object.apiVersion === 'v1' && object.kind === 'ConfigMap') {
      configMaps.set(id, stringRecord(object['data']));
    } else if (object.apiVersion === 'v1' && object.kind === 'Secret') {
      const decoded = Object.fromEntries(
        Object.entries(stringRecord(object['data'])).map(([k, v]) => [
          k,
          Buffer.from(v, 'base64').toString('utf8'),
        ]),
      );
      secrets.set(id, { ...decoded, ...stringRecord(object['stringData']) });
    }
  }
  return {
    configMap: (namespace, name) => configMaps.get(key(namespace, name)),
    secret: (namespace, name) => secrets.get(key(namespace, name)),
  };
}

/**
 * Expands `$(NAME)` in `text` with `defined`, the Kubernetes way: `$$` stands for a literal `$`, and a
 * reference to a variable that is not defined stays as it is written.
 */
export function expandReferences(text: string, defined: ReadonlyMap<string, string>): string {
  let result = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    const next = text[index + 1];
    if (char === '$' && next === '$') {
      result += '$';
      index += 2;
    } else if (char === '$' && next === '(') {
      const close = text.indexOf(')', index + 2);
      if (close < 0) {
        result += text.slice(index);
        break;
      }
      const name = text.slice(index + 2, close);
      result += defined.get(name) ?? `$(${name})`;
      index = close + 1;
    } else {
      result += char;
      index += 1;
    }
  }
  return result;
}

function fieldOf(pod: PodIdentity, fieldPath: string): string {
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (labelOrAnnotation !== null) {
    const [, map, name = ''] = labelOrAnnotation;
    return (map === 'labels' ? pod.labels : pod.annotations)[name] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.name;
    case 'metadata.namespace':
      return pod.namespace;
    case 'spec.serviceAccountName':
      return pod.serviceAccountName;
    default:
      throw new Error(`fieldRef ${fieldPath} is not one the image test can give before the container starts`);
  }
}

/** The environment of `container` in `pod`, in the order Kubernetes builds it, and its expanded command line. */
export interface ResolvedContainer {
  readonly env: ReadonlyMap<string, string>;
  /** `command` with references expanded, or undefined to keep the image's ENTRYPOINT. */
  readonly command: readonly string[] | undefined;
  /** `args` with references expanded, or undefined to keep the image's CMD. */
  readonly args: readonly string[] | undefined;
}

/**
 * Resolves `container`'s environment, command and args against `sources`.
 *
 * @throws Error naming the container and the reference when a ConfigMap, Secret or key that is not
 *   optional is missing (the pod would fail with CreateContainerConfigError), or a fieldRef or
 *   resourceFieldRef is one the test cannot know.
 */
export function resolveContainer(
  container: ContainerSpec,
  pod: PodIdentity,
  sources: ConfigSources,
): ResolvedContainer {
  const env = new Map<string, string>();
  const where = `container ${container.name} of ${pod.namespace}/${pod.name}`;

  for (const source of container.envFrom) {
    const ref = source.configMapRef ?? source.secretRef;
    if (ref === undefined) continue;
    const kind = source.configMapRef === undefined ? 'Secret' : 'ConfigMap';
    const values =
      kind === 'ConfigMap'
        ? sources.configMap(pod.namespace, ref.name)
        : sources.secret(pod.namespace, ref.name);
    if (values === undefined) {
      if (ref.optional === true) continue;
      throw new Error(`${where}: envFrom ${kind} ${ref.name} is not in the bundle`);
    }
    for (const [key, value] of Object.entries(values)) env.set(`${source.prefix ?? ''}${key}`, value);
  }

  for (const variable of container.env) {
    const from = variable.valueFrom;
    if (from === undefined) {
      env.set(variable.name, expandReferences(variable.value ?? '', env));
      continue;
    }
    if (from.fieldRef !== undefined) {
      env.set(variable.name, fieldOf(pod, from.fieldRef.fieldPath));
      continue;
    }
    const keyRef = from.configMapKeyRef ?? from.secretKeyRef;
    if (keyRef === undefined) {
      throw new Error(`${where}: ${variable.name} uses a valueFrom the image test does not support`);
    }
    const kind = from.configMapKeyRef === undefined ? 'Secret' : 'ConfigMap';
    const values =
      kind === 'ConfigMap'
        ? sources.configMap(pod.namespace, keyRef.name)
        : sources.secret(pod.namespace, keyRef.name);
    const value = values?.[keyRef.key];
    if (value === undefined) {
      if (keyRef.optional === true) continue;
      throw new Error(
        `${where}: ${variable.name} reads key ${keyRef.key} of ${kind} ${keyRef.name}, not in the bundle`,
      );
    }
    env.set(variable.name, value);
  }

  const expand = (parts: readonly string[] | undefined): string[] | undefined =>
    parts?.map((part) => expandReferences(part, env));
  return { env, command: expand(container.command), args: expand(container.args) };
}
