// A compose file as the checks read it: its services with the fields they compare.
import { parseDocument } from 'yaml';

/** The fields of a compose service the checks compare (the schema check covers the rest). */
export interface ComposeService {
  readonly image?: string;
  readonly command?: string | readonly string[];
  readonly entrypoint?: string | readonly string[];
  readonly environment?: Readonly<Record<string, string | number | boolean | null>> | readonly string[];
  readonly depends_on?: readonly string[] | Readonly<Record<string, { readonly condition?: string }>>;
  readonly healthcheck?: { readonly test?: string | readonly string[]; readonly disable?: boolean };
  readonly user?: string;
  readonly read_only?: boolean;
  readonly stop_grace_period?: string;
}

/** A parsed compose file. */
export interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly [field: string]: unknown;
}

/**
 * Parses a compose file (YAML).
 *
 * @throws Error naming `source` when it is not valid YAML.
 */
export function parseCompose(text: string, source: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0)
    throw new Error(`${source} is not valid YAML: ${document.errors[0]?.message ?? ''}`);
  return document.toJS() as unknown;
}

/** A service's environment as name → value (`KEY=value` list entries split; a bare `KEY` has no value). */
export function environmentOf(service: ComposeService): Map<string, string | undefined> {
  const environment = new Map<string, string | undefined>();
  const declared = service.environment ?? {};
  if (Array.isArray(declared)) {
    for (const entry of declared as readonly string[]) {
      const equals = entry.indexOf('=');
      environment.set(
        equals < 0 ? entry : entry.slice(0, equals),
        equals < 0 ? undefined : entry.slice(equals + 1),
      );
    }
  } else {
    const values = declared as Readonly<Record<string, string | number | boolean | null>>;
    for (const [name, value] of Object.entries(values)) {
      environment.set(name, value === null ? undefined : String(value));
    }
  }
  return environment;
}

/** A command or entrypoint as a list of arguments (a string is split on spaces, as compose does without a shell). */
export function argumentsOf(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value.split(/\s+/).filter((part) => part !== '') : value;
}

/** The services a service depends on, with the condition it waits for (`service_started` for the short form). */
export function dependenciesOf(service: ComposeService): Map<string, string> {
  const declared = service.depends_on ?? [];
  if (Array.isArray(declared))
    return new Map((declared as readonly string[]).map((name) => [name, 'service_started']));
  return new Map(
    Object.entries(declared as Readonly<Record<string, { condition?: string }>>).map(([name, dependency]) => [
      name,
      dependency.condition ?? 'service_started',
    ]),
  );
}
