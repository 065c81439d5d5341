// A node's environment as Kubernetes env entries: values, the pod's name, ConfigMap and Secret references.
import { SETTINGS_CONFIG_MAP } from '../cluster-settings';
import type { EnvEntry } from '../node-environment';

/** One container env entry. */
export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: Record<string, unknown> };

/** The env entry of one variable; `$(NAME)` in a composed value is expanded by Kubernetes at start. */
export function envVarOf(entry: EnvEntry): EnvVar {
  const { name, source } = entry;
  switch (source.kind) {
    case 'value':
      return { name, value: source.value };
    case 'composed':
      return { name, value: source.template };
    case 'node-id':
      return { name, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } };
    case 'setting':
      return { name, valueFrom: { configMapKeyRef: { name: SETTINGS_CONFIG_MAP, key: source.setting } } };
    case 'secret':
      return { name, valueFrom: { secretKeyRef: { name: source.ref.secret, key: source.ref.key } } };
  }
}
