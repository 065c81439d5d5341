// Runs the payment provider simulator as a child process on a chosen loopback port, from its TypeScript
// source. A child process rather than in-process: apps may not import each other, and killing it closes
// the port for real, which is the fault the payments node must survive.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

import { waitFor } from '@trellis/testing';

const workspaceRoot = join(__dirname, '..', '..', '..', '..');
const mainScript = join(workspaceRoot, 'apps', 'payment-provider', 'src', 'main.ts');

/** A charge as the provider lists it. */
export interface ProviderCharge {
  readonly id: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly reference: string;
  readonly status: string;
}

/** A running simulator. */
export interface PaymentProviderProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Kills it (SIGKILL) and resolves once it has exited: its port refuses connections from then on. */
  kill(): Promise<void>;
}

/** Starts the simulator on `port` and resolves once `GET /health/ready` answers 200. */
export async function startPaymentProvider(port: number): Promise<PaymentProviderProcess> {
  const child = spawn(process.execPath, ['--conditions=@trellis/source', '--import', 'tsx', mainScript], {
    cwd: workspaceRoot,
    env: {
      ...process.env,
      PAYMENT_PROVIDER_PORT: String(port),
      PAYMENT_PROVIDER_HOST: '127.0.0.1',
      PAYMENT_PROVIDER_LOG_LEVEL: process.env['TRELLIS_TEST_VERBOSE'] === '1' ? 'info' : 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
        return (await fetch(`${url}/health/ready`)).status === 200;
      },
      { timeoutMs: 30_000, description: `the payment provider to answer on port ${port}` },
    );
  } catch (error) {
    await kill();
    throw new Error(`payment provider did not start\n--- output ---\n${output}`, { cause: error });
  }
  return { url, kill };
}

async function providerJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** Every charge the provider made, oldest first. */
export async function listProviderCharges(url: string): Promise<ProviderCharge[]> {
  return (await providerJson<{ items: ProviderCharge[] }>(`${url}/v1/charges`)).items;
}

/** The provider's charges for one order (the payments node sends `order <orderId>` as the reference). */
export async function providerChargesOf(url: string, orderId: string): Promise<ProviderCharge[]> {
  return (await listProviderCharges(url)).filter((charge) => charge.reference === `order ${orderId}`);
}

/** Fault settings of the simulator (`PUT /v1/_faults`); absent fields mean no such fault. */
export interface ProviderFaults {
  readonly latencyMs?: number;
  readonly failRate?: number;
  readonly dropReplyAfterCommit?: number;
}

/** Replaces the simulator's faults and returns the settings in force. */
export async function setProviderFaults(
  url: string,
  faults: ProviderFaults,
): Promise<Required<ProviderFaults>> {
  return providerJson(`${url}/v1/_faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
}

/** The simulator's faults in force. */
export async function providerFaults(url: string): Promise<Required<ProviderFaults>> {
  return providerJson(`${url}/v1/_faults`);
}
