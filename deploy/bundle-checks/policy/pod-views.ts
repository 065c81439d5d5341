// The parts of Kubernetes pod specs the policy rules read, typed as the rendered YAML holds them. The schema
// check runs first and proves the shapes, so reading a rendered object through these types is sound.
import type { LabelSelector } from '../label-selector';

/** `IntOrString` of the Kubernetes API (ports, maxUnavailable, …). */
export type IntOrString = number | string;

export interface EnvVarSource {
  readonly configMapKeyRef?: { readonly name?: string; readonly key: string; readonly optional?: boolean };
  readonly secretKeyRef?: { readonly name?: string; readonly key: string; readonly optional?: boolean };
  readonly fieldRef?: { readonly fieldPath: string };
  readonly resourceFieldRef?: { readonly resource: string };
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: EnvVarSource;
}

export interface EnvFromSource {
  readonly prefix?: string;
  readonly configMapRef?: { readonly name?: string; readonly optional?: boolean };
  readonly secretRef?: { readonly name?: string; readonly optional?: boolean };
}

export interface HttpGetAction {
  readonly path?: string;
  readonly port: IntOrString;
}

export interface Probe {
  readonly httpGet?: HttpGetAction;
  readonly exec?: { readonly command?: readonly string[] };
  readonly tcpSocket?: { readonly port: IntOrString };
  readonly grpc?: { readonly port: number };
}

export interface LifecycleHandler {
  readonly exec?: { readonly command?: readonly string[] };
  readonly httpGet?: HttpGetAction;
  readonly sleep?: { readonly seconds: number };
}

export interface SecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly seccompProfile?: { readonly type: string };
  readonly procMount?: string;
}

export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, IntOrString>>;
  readonly limits?: Readonly<Record<string, IntOrString>>;
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: string;
  readonly hostPort?: number;
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports?: readonly ContainerPort[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly EnvFromSource[];
  readonly resources?: ResourceRequirements;
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly lifecycle?: { readonly preStop?: LifecycleHandler; readonly postStart?: LifecycleHandler };
  readonly securityContext?: SecurityContext;
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}

export interface KeyToPath {
  readonly key: string;
  readonly path: string;
}

export interface Volume {
  readonly name: string;
  readonly configMap?: {
    readonly name?: string;
    readonly items?: readonly KeyToPath[];
    readonly optional?: boolean;
  };
  readonly secret?: {
    readonly secretName?: string;
    readonly items?: readonly KeyToPath[];
    readonly optional?: boolean;
  };
  readonly projected?: {
    readonly sources?: readonly {
      readonly configMap?: { readonly name?: string; readonly optional?: boolean };
      readonly secret?: { readonly name?: string; readonly optional?: boolean };
    }[];
  };
  readonly hostPath?: { readonly path: string };
  readonly [source: string]: unknown;
}

export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface Affinity {
  readonly nodeAffinity?: {
    readonly preferredDuringSchedulingIgnoredDuringExecution?: readonly {
      readonly weight: number;
      readonly preference: { readonly matchExpressions?: readonly NodeSelectorRequirement[] };
    }[];
    readonly requiredDuringSchedulingIgnoredDuringExecution?: {
      readonly nodeSelectorTerms: readonly {
        readonly matchExpressions?: readonly NodeSelectorRequirement[];
      }[];
    };
  };
}

export interface TopologySpreadConstraint {
  readonly topologyKey: string;
  readonly maxSkew: number;
  readonly whenUnsatisfiable: string;
  readonly labelSelector?: LabelSelector;
}

export interface PodSpec {
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly terminationGracePeriodSeconds?: number;
  readonly securityContext?: SecurityContext & { readonly sysctls?: readonly unknown[] };
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly affinity?: Affinity;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
  readonly imagePullSecrets?: readonly { readonly name?: string }[];
}

export interface PodTemplate {
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>> };
  readonly spec: PodSpec;
}
