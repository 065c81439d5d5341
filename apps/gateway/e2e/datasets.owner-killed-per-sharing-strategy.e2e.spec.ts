// The cart node that owns a session is SIGKILLed, under each of the talk's three data sharing configurations,
// and a client sees exactly what its configuration promises: share-nothing loses the session (the client is
// told to log in again, and then shops normally), sessions shared everywhere keep the session but a cart on
// its owner only is lost, and both shared everywhere keep the session and the cart. Over every request the
// only failures are the documented outage answers (503 with Retry-After), and the run prints its figures.
import { randomUUID } from 'node:crypto';

import { waitFor } from '@trellis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openSession, putCartItem } from './support/bookshop-client';
import type { OpenedSession } from './support/bookshop-client';
import { startBookshopCluster } from './support/bookshop-cluster';
import type { BookshopCluster } from './support/bookshop-cluster';
import { request } from '../test/support/http';
import type { JsonResponse, RequestOptions } from '../test/support/http';

type Sharing = 'nothing' | 'something' | 'everything';

interface CartLine {
  readonly bookId: string;
  readonly quantity: number;
}

interface DatasetView {
  readonly family: string;
  readonly name: string;
  readonly sharing: Sharing;
  readonly members: readonly string[];
  readonly preferenceList?: readonly string[];
}

interface LiveNode {
  readonly nodeId: string;
  readonly family: string;
  readonly pid: number;
}

/** One answer the client got (status 0: the request failed on the network or timed out). */
interface Answer {
  readonly what: string;
  readonly status: number;
  readonly sentAt: number;
  /** When the answer arrived. */
  readonly at: number;
  readonly retryAfter: string | null;
  readonly code: string | undefined;
}

/** The quantities put before the kill, on the first two books of the catalogue. */
const QUANTITIES = [2, 3] as const;
/** The longest outage a client may see, from the kill to its first answer that is not a 503. */
const OUTAGE_BOUND_MS = 20_000;
/** How long the restarted node may take to be back in the ring and serving, from the kill. */
const RESTART_BOUND_MS = 45_000;
const POLL_INTERVAL_MS = 100;
/** Membership and anti-entropy fast enough that a run of three clusters stays short. */
const FAST_DATA_LAYER = { MEMBERSHIP_DEAD_AFTER_MS: '1500', ANTI_ENTROPY_MS: '1000' };
const PROBLEM_JSON = /^application\/problem\+json\b/;

/**
 * Every request the test makes and its answer. Requests made through the shared client helpers (which throw
 * on anything but their success status) are noted with that status once they return.
 */
class AnswerLog {
  readonly answers: Answer[] = [];

  constructor(private readonly gatewayUrl: string) {}

  /** Sends one request and records its answer; resolves undefined on a network error or timeout. */
  async send(
    what: string,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<JsonResponse | undefined> {
    const sentAt = Date.now();
    try {
      const response = await request(this.gatewayUrl, method, path, { timeoutMs: 30_000, ...options });
      const code = (response.body as { code?: unknown } | undefined)?.code;
      this.answers.push({
        what,
        status: response.status,
        sentAt,
        at: Date.now(),
        retryAfter: response.headers.get('retry-after'),
        code: typeof code === 'string' ? code : undefined,
      });
      return response;
    } catch {
      this.answers.push({ what, status: 0, sentAt, at: Date.now(), retryAfter: null, code: undefined });
      return undefined;
    }
  }

  /** Runs a client helper that succeeds only on `status`, and records that answer. */
  async through<T>(what: string, status: number, helper: () => Promise<T>): Promise<T> {
    const sentAt = Date.now();
    const result = await helper();
    this.answers.push({ what, status, sentAt, at: Date.now(), retryAfter: null, code: undefined });
    return result;
  }

  /** Answers that are neither a success, a 4xx, nor the documented outage answer (503 with Retry-After). */
  undocumented(): Answer[] {
    return this.answers.filter(
      (answer) => answer.status === 0 || (answer.status >= 500 && !isOutageAnswer(answer)),
    );
  }

  tally(since = 0): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const answer of this.answers.filter((entry) => entry.at >= since)) {
      counts[answer.status] = (counts[answer.status] ?? 0) + 1;
    }
    return counts;
  }
}

function isOutageAnswer(answer: Pick<Answer, 'status' | 'retryAfter'>): boolean {
  return answer.status === 503 && answer.retryAfter !== null;
}

/** A cluster whose cart family shares its datasets as given, and the books a cart can hold. */
interface Setup {
  readonly cluster: BookshopCluster;
  readonly log: AnswerLog;
  readonly bookIds: readonly [string, string, string];
}

async function startConfiguredCluster(label: string, sessions: Sharing, carts: Sharing): Promise<Setup> {
  const cluster = await startBookshopCluster({
    label,
    env: { DATASET_SESSIONS_SHARING: sessions, DATASET_CARTS_SHARING: carts, ...FAST_DATA_LAYER },
  });
  const log = new AnswerLog(cluster.gatewayUrl);
  const list = await log.send('list books', 'GET', '/v1/books');
  const ids = ((list?.body as { items?: Array<{ id: string }> } | undefined)?.items ?? []).map(
    (book) => book.id,
  );
  if (ids.length < 3) throw new Error(`the catalogue has ${ids.length} book(s); the test needs 3`);
  return { cluster, log, bookIds: [ids[0], ids[1], ids[2]] };
}

/** What `GET /v1/cluster?key=` shows of the cart family. */
interface CartFamilyView {
  readonly sessions: DatasetView;
  readonly carts: DatasetView;
  readonly liveNodes: readonly LiveNode[];
}

/** The cart family's view, when the answer is a 200 that shows both datasets. */
async function readClusterView(log: AnswerLog, key: string): Promise<CartFamilyView | undefined> {
  const response = await log.send('cluster view', 'GET', `/v1/cluster?key=${encodeURIComponent(key)}`);
  if (response?.status !== 200) return undefined;
  const body = response.body as { datasets: DatasetView[]; liveNodes: LiveNode[] };
  const find = (name: string): DatasetView | undefined =>
    body.datasets.find((entry) => entry.family === 'cart' && entry.name === name);
  const sessions = find('sessions');
  const carts = find('carts');
  if (sessions === undefined || carts === undefined) return undefined;
  return { sessions, carts, liveNodes: body.liveNodes };
}

/**
 * Polls `GET /v1/cluster?key=` until it shows both cart datasets and `until` holds. A cart node's first
 * heartbeat goes out before its datasets exist and announces none, and the gateway hears a node every 2 s, so
 * right after a (re)start the view is briefly without them.
 */
async function clusterView(
  log: AnswerLog,
  key: string,
  until: (view: CartFamilyView) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<CartFamilyView> {
  return waitFor(
    async () => {
      const view = await readClusterView(log, key);
      return view !== undefined && until(view) ? view : undefined;
    },
    { timeoutMs, intervalMs: 250, description: "the cart family's datasets in GET /v1/cluster" },
  );
}

/** The cart's lines sorted by book id, or undefined when the answer is not a cart. */
function linesOf(response: JsonResponse | undefined): CartLine[] | undefined {
  const items = (response?.body as { items?: CartLine[] } | undefined)?.items;
  if (!Array.isArray(items)) return undefined;
  return items
    .map(({ bookId, quantity }) => ({ bookId, quantity }))
    .sort((a, b) => a.bookId.localeCompare(b.bookId));
}

/** Logs in and puts two books in the cart; resolves with the session and the cart the gateway reads back. */
async function shop(setup: Setup): Promise<{ session: OpenedSession; lines: CartLine[] }> {
  const { cluster, log, bookIds } = setup;
  const session = await log.through('login', 201, () =>
    openSession(cluster.gatewayUrl, `reader-${randomUUID()}`),
  );
  for (const [index, quantity] of QUANTITIES.entries()) {
    await log.through('put item', 200, () =>
      putCartItem(cluster.gatewayUrl, session.token, bookIds[index], quantity),
    );
  }
  const read = await log.send('read cart', 'GET', '/v1/cart', { token: session.token });
  expect(read?.status).toBe(200);
  const lines = linesOf(read);
  expect(lines).toEqual(
    QUANTITIES.map((quantity, index) => ({ bookId: bookIds[index], quantity })).sort((a, b) =>
      a.bookId.localeCompare(b.bookId),
    ),
  );
  return { session, lines: lines ?? [] };
}

/** The restarted node as the gateway shows it, the session's owner then, and when it was seen back. */
interface Restart {
  readonly pid: number;
  readonly owner: string;
  readonly at: number;
}

/** The killed owner: its node id, the pid it had and when it was killed. */
interface Kill {
  readonly victim: string;
  readonly survivor: string;
  readonly pid: number;
  readonly killedAt: number;
}

/** Finds the cart node owning the session (owner of both datasets' key) and SIGKILLs it. */
async function killSessionOwner(setup: Setup, sessionId: string): Promise<Kill> {
  // Both cart nodes in the ring, and the owner among the live nodes (with its pid).
  const { sessions, carts, liveNodes } = await clusterView(
    setup.log,
    sessionId,
    (view) =>
      view.sessions.members.length === 2 &&
      view.liveNodes.some((node) => node.nodeId === view.sessions.preferenceList?.[0]),
  );
  const victim = sessions.preferenceList?.[0];
  if (victim === undefined)
    throw new Error(`no owner for session ${sessionId} in ${JSON.stringify(sessions)}`);
  // Both datasets route by the family's ring, so the session's owner serves its cart too.
  expect(carts.preferenceList?.[0]).toBe(victim);
  expect(sessions.members).toHaveLength(2);
  const survivor = sessions.members.find((member) => member !== victim);
  if (survivor === undefined) throw new Error(`no second cart node in ${JSON.stringify(sessions.members)}`);
  const node = liveNodes.find((entry) => entry.nodeId === victim);
  if (node === undefined) throw new Error(`${victim} is not among the live nodes`);
  expect(node.family).toBe('cart');
  // The pid comes from the node's heartbeat; it must be a live process of this run, or killing it proves nothing.
  expect(setup.cluster.process.livePids()).toContain(node.pid);
  const killedAt = Date.now();
  process.kill(node.pid, 'SIGKILL');
  return { victim, survivor, pid: node.pid, killedAt };
}

/**
 * Waits, through the gateway, until the supervisor's restart of the victim is back: a live node of that id with
 * a new pid (a process of this run) and the victim a member of the ring the gateway routes by again.
 */
async function restarted(setup: Setup, kill: Kill, key: string): Promise<Restart> {
  const newNode = (view: CartFamilyView): LiveNode | undefined =>
    view.liveNodes.find((entry) => entry.nodeId === kill.victim && entry.pid !== kill.pid);
  const view = await clusterView(
    setup.log,
    key,
    (candidate) => {
      const node = newNode(candidate);
      return (
        node !== undefined &&
        candidate.sessions.members.includes(kill.victim) &&
        setup.cluster.process.livePids().includes(node.pid)
      );
    },
    RESTART_BOUND_MS,
  );
  const at = Date.now();
  const node = newNode(view);
  const owner = view.sessions.preferenceList?.[0];
  if (node === undefined || owner === undefined) throw new Error(`no restarted ${kill.victim} in the view`);
  return { pid: node.pid, owner, at };
}

/**
 * Polls `GET /v1/cart` with the session's token until an answer is not a 5xx, as a client retrying the
 * outage answer would; every answer is recorded, and a 5xx other than 503 keeps the poll going so the checker
 * sees it rather than the poll stopping on it.
 */
async function cartOnceServing(setup: Setup, token: string, what: string): Promise<JsonResponse> {
  return waitFor(
    async () => {
      const response = await setup.log.send(what, 'GET', '/v1/cart', { token });
      return response !== undefined && response.status < 500 ? response : undefined;
    },
    { timeoutMs: OUTAGE_BOUND_MS, intervalMs: POLL_INTERVAL_MS, description: what },
  );
}

/** The unknown-session problem a client gets when its session is gone. */
function expectUnknownSession(response: JsonResponse): void {
  expect({
    status: response.status,
    code: (response.body as { code?: unknown } | undefined)?.code,
    contentType: PROBLEM_JSON.test(response.headers.get('content-type') ?? ''),
  }).toEqual({ status: 401, code: 'sessions.unknown_session', contentType: true });
}

/** The checker over the whole run: nothing but 2xx before the kill, only documented failures after it. */
function checkAnswers(setup: Setup, kill: Kill, allowedAfterKill: ReadonlySet<string>): void {
  const { log } = setup;
  const beforeKill = log.answers.filter((answer) => answer.at < kill.killedAt);
  expect(beforeKill.filter((answer) => answer.status < 200 || answer.status >= 300)).toEqual([]);
  expect(log.undocumented()).toEqual([]);
  // Every 4xx after the kill is one this configuration promises (by what was asked and the problem's code).
  const refused = log.answers.filter(
    (answer) => answer.at >= kill.killedAt && answer.status >= 400 && answer.status < 500,
  );
  expect(
    refused.filter((answer) => !allowedAfterKill.has(`${answer.what} ${answer.status} ${answer.code}`)),
  ).toEqual([]);
}

/** A configuration's cluster and what its run saw; the figures are printed in afterAll, pass or fail. */
interface Run {
  setup?: Setup;
  kill?: Kill;
  back?: Restart;
}

/** Starts the configuration's own cluster before its test and prints the figures and stops it after. */
function clusterFor(name: string, label: string, sessions: Sharing, carts: Sharing): Run {
  const run: Run = {};
  beforeAll(async () => {
    run.setup = await startConfiguredCluster(label, sessions, carts);
  }, 90_000);
  afterAll(async () => {
    if (run.setup === undefined) return;
    process.stdout.write(
      `[${name}]\n${figures(run)
        .map((line) => `  ${line}`)
        .join('\n')}\n`,
    );
    const exit = await run.setup.cluster.stop();
    expect(exit.leftoverPids).toEqual([]);
  }, 60_000);
  return run;
}

/** The setup of a run, once its cluster started. */
function started(run: Run): Setup {
  if (run.setup === undefined) throw new Error('the cluster did not start');
  return run.setup;
}

/** The figures of a run, from whatever it got to. */
function figures({ setup, kill, back }: Run): string[] {
  if (setup === undefined) return [];
  const { log } = setup;
  const lines = [`cluster ready in ${setup.cluster.startupMs} ms`];
  if (kill === undefined) return [...lines, `no kill; answers by status ${JSON.stringify(log.tally())}`];
  const after = log.answers.filter((answer) => answer.at >= kill.killedAt);
  const firstAnswer = after.find(
    (answer) => answer.what === 'read cart after the kill' && answer.status !== 0 && answer.status < 500,
  );
  const firstSuccess = after.find(
    (answer) => answer.status >= 200 && answer.status < 300 && answer.what !== 'cluster view',
  );
  const pollsBeforeFirstAnswer = after.filter(
    (answer) => answer.what === 'read cart after the kill' && answer.at < (firstAnswer?.at ?? Infinity),
  ).length;
  return [
    ...lines,
    `killed ${kill.victim} (pid ${kill.pid}, the session's owner; ${kill.survivor} survives); ` +
      (back === undefined
        ? 'not seen back'
        : `restarted as pid ${back.pid}, back in the ring ${back.at - kill.killedAt} ms after the kill; session owner then ${back.owner}`),
    `first answer to GET /v1/cart after the kill: ` +
      (firstAnswer === undefined
        ? 'none'
        : `${firstAnswer.status}${firstAnswer.code === undefined ? '' : ` ${firstAnswer.code}`} ` +
          `${firstAnswer.at - kill.killedAt} ms after the kill (in flight ${firstAnswer.at - firstAnswer.sentAt} ms; ` +
          `${pollsBeforeFirstAnswer} outage answer(s) before it)`),
    `first successful answer after the kill: ` +
      (firstSuccess === undefined
        ? 'none'
        : `${firstSuccess.what} ${firstSuccess.status}, ${firstSuccess.at - kill.killedAt} ms after the kill`),
    `requests: ${log.answers.length} (${after.length} after the kill; ` +
      `${after.filter((answer) => answer.what === 'cluster view').length} of them GET /v1/cluster); ` +
      `answers by status ${JSON.stringify(log.tally())}, after the kill ${JSON.stringify(log.tally(kill.killedAt))}; ` +
      `503 with Retry-After ${after.filter(isOutageAnswer).length}; undocumented ${log.undocumented().length}`,
  ];
}

describe('share nothing (sessions and carts on their owner only): the session dies with its owner', () => {
  const run = clusterFor('share nothing', 'share-nothing', 'nothing', 'nothing');

  it('answers unknown-session after the owner is killed, and the client logs in again and shops', async () => {
    const setup = started(run);
    const { cluster, log, bookIds } = setup;
    const { session } = await shop(setup);
    const view = await clusterView(log, session.sessionId);
    expect([view.sessions.sharing, view.carts.sharing]).toEqual(['nothing', 'nothing']);

    const kill = (run.kill = await killSessionOwner(setup, session.sessionId));
    expectUnknownSession(await cartOnceServing(setup, session.token, 'read cart after the kill'));

    run.back = await restarted(setup, kill, session.sessionId);
    // Whichever node owns the session now, nothing of it survived: it stays gone.
    expectUnknownSession(await cartOnceServing(setup, session.token, 'read cart after the restart'));

    const again = await log.through('login again', 201, () =>
      openSession(cluster.gatewayUrl, `reader-again-${randomUUID()}`),
    );
    await log.through('put item', 200, () => putCartItem(cluster.gatewayUrl, again.token, bookIds[2], 4));
    const filled = await log.send('read new cart', 'GET', '/v1/cart', { token: again.token });
    expect(filled?.status).toBe(200);
    expect(linesOf(filled)).toEqual([{ bookId: bookIds[2], quantity: 4 }]);

    checkAnswers(
      setup,
      kill,
      new Set([
        'read cart after the kill 401 sessions.unknown_session',
        'read cart after the restart 401 sessions.unknown_session',
      ]),
    );
  });
});

describe('sessions shared everywhere, carts on their owner only: the session survives, the cart is lost', () => {
  const run = clusterFor(
    'sessions everything, carts nothing',
    'sessions-everything',
    'everything',
    'nothing',
  );

  it('keeps the session with the same token and answers an empty cart after the owner is killed', async () => {
    const setup = started(run);
    const { cluster, log, bookIds } = setup;
    const { session } = await shop(setup);
    const view = await clusterView(log, session.sessionId);
    expect([view.sessions.sharing, view.carts.sharing]).toEqual(['everything', 'nothing']);

    const kill = (run.kill = await killSessionOwner(setup, session.sessionId));
    const first = await cartOnceServing(setup, session.token, 'read cart after the kill');
    expect({ status: first.status, lines: linesOf(first) }).toEqual({ status: 200, lines: [] });

    run.back = await restarted(setup, kill, session.sessionId);
    const later = await cartOnceServing(setup, session.token, 'read cart after the restart');
    expect({ status: later.status, lines: linesOf(later) }).toEqual({ status: 200, lines: [] });

    // The same session keeps shopping.
    await log.through('put item', 200, () => putCartItem(cluster.gatewayUrl, session.token, bookIds[2], 4));
    const filled = await log.send('read refilled cart', 'GET', '/v1/cart', { token: session.token });
    expect(filled?.status).toBe(200);
    expect(linesOf(filled)).toEqual([{ bookId: bookIds[2], quantity: 4 }]);

    checkAnswers(setup, kill, new Set());
  });
});

describe('sessions and carts shared everywhere: the session and its cart survive', () => {
  const run = clusterFor('sessions and carts everything', 'share-everything', 'everything', 'everything');

  it('keeps the session and the same items and quantities after the owner is killed', async () => {
    const setup = started(run);
    const { cluster, log, bookIds } = setup;
    const { session, lines } = await shop(setup);
    const view = await clusterView(log, session.sessionId);
    expect([view.sessions.sharing, view.carts.sharing]).toEqual(['everything', 'everything']);

    const kill = (run.kill = await killSessionOwner(setup, session.sessionId));
    const first = await cartOnceServing(setup, session.token, 'read cart after the kill');
    expect({ status: first.status, lines: linesOf(first) }).toEqual({ status: 200, lines });

    run.back = await restarted(setup, kill, session.sessionId);
    const later = await cartOnceServing(setup, session.token, 'read cart after the restart');
    expect({ status: later.status, lines: linesOf(later) }).toEqual({ status: 200, lines });

    await log.through('put item', 200, () => putCartItem(cluster.gatewayUrl, session.token, bookIds[2], 4));
    const filled = await log.send('read grown cart', 'GET', '/v1/cart', { token: session.token });
    expect(filled?.status).toBe(200);
    expect(linesOf(filled)).toEqual(
      [...lines, { bookId: bookIds[2], quantity: 4 }].sort((a, b) => a.bookId.localeCompare(b.bookId)),
    );

    checkAnswers(setup, kill, new Set());
  });
});
