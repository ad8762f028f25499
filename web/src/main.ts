// The interestgraph web app: sign up or in, then a live page of interests,
// people, the ego graph, notifications and the wallet.
import './style.css';
import { gql } from './api';
import { $, input, onSubmit } from './dom';
import { EgoGraph } from './graph';
import { Live } from './live';
import * as Q from './queries';
import { Session, toTokens } from './session';
import { addNotification, clearViews, renderMe, renderRecommendations, renderSearch, type Actions } from './views';

type AuthResult = Parameters<typeof toTokens>[0];

const session = new Session(localStorage);
const live = new Live(session);
let graph: EgoGraph | undefined;
let stopLive: (() => void)[] = [];

function say(msg: string, error = false): void {
  const m = $('message');
  m.textContent = msg;
  m.classList.toggle('error', error);
}

function receiptText(r: Q.Receipt): string {
  return r.status === 'REJECTED' ? `rejected: ${r.reason ?? 'unknown reason'}` : r.status.toLowerCase();
}

async function command(query: string, vars: Record<string, unknown>, field: string): Promise<string> {
  const d = await session.call<Record<string, Q.Receipt>>(query, vars);
  const text = receiptText(d[field]);
  scheduleReload();
  return text;
}

const actions: Actions = {
  removeInterest: (name) => void command(Q.REMOVE_INTEREST, { name }, 'removeInterest').then(say, fail),
  follow: (id) => void command(Q.FOLLOW, { id }, 'follow').then(followed('follow'), fail),
  unfollow: (id) => void command(Q.UNFOLLOW, { id }, 'unfollow').then(followed('unfollow'), fail),
};

function fail(err: unknown): void {
  say(err instanceof Error ? err.message : String(err), true);
}

// A follow changes who is recommended.
function followed(verb: string) {
  return (s: string) => {
    say(`${verb}: ${s}`);
    void loadRecommendations().catch(fail);
  };
}

async function reload(): Promise<void> {
  type Ego = Pick<Q.Me, 'followers' | 'following'>;
  const [{ me: core }, { me: ego }] = await Promise.all([
    session.call<{ me: Omit<Q.Me, 'followers' | 'following'> | null }>(Q.ME),
    session.call<{ me: Ego | null }>(Q.EGO),
  ]);
  if (!session.tokens) return; // signed out while the queries ran
  if (!core || !ego) return signedOut();
  const me: Q.Me = { ...core, ...ego };
  renderMe(me, actions);
  graph ??= new EgoGraph($('graph'));
  graph.render(me);
}

// Events arrive in bursts (a follow is an event and a notification):
// coalesce them into one reload.
let reloadTimer: number | undefined;
function scheduleReload(): void {
  window.clearTimeout(reloadTimer);
  reloadTimer = window.setTimeout(() => void reload().catch(fail), 150);
}

async function loadRecommendations(): Promise<void> {
  const d = await session.call<{ recommendedPeople: Q.Recommendation[] }>(Q.RECOMMENDED);
  renderRecommendations(d.recommendedPeople, actions);
}

function signedIn(): void {
  const t = session.tokens;
  if (!t) return signedOut();
  document.body.dataset.state = 'in';
  stopLive.forEach((s) => s());
  stopLive = [
    live.subscribe(Q.NOTIFICATIONS, {}, (d) => {
      addNotification((d as { notifications: Q.Notification }).notifications);
      scheduleReload();
    }),
    live.subscribe(Q.PERSON_EVENTS, { id: t.personId }, () => scheduleReload()),
  ];
  void Promise.all([reload(), loadRecommendations()]).catch(fail);
}

function signedOut(): void {
  stopLive.forEach((s) => s());
  stopLive = [];
  live.close();
  window.clearTimeout(reloadTimer);
  clearViews();
  graph?.clear();
  document.body.dataset.state = 'out';
}

function wireForms(): void {
  onSubmit($('signup') as HTMLFormElement, async (f) => {
    const d = await gql<{ register: AuthResult }>(Q.REGISTER, {
      input: { name: input(f, 'name'), email: input(f, 'email'), password: input(f, 'password') },
    });
    session.set(toTokens(d.register));
    signedIn();
  });
  onSubmit($('signin') as HTMLFormElement, async (f) => {
    const d = await gql<{ login: AuthResult }>(Q.LOGIN, { email: input(f, 'email'), password: input(f, 'password') });
    session.set(toTokens(d.login));
    signedIn();
  });
  onSubmit($('interest-form') as HTMLFormElement, async (f) => {
    const r = await command(Q.ADD_INTEREST, { name: input(f, 'name') }, 'addInterest');
    f.reset();
    void loadRecommendations().catch(fail);
    return r;
  });
  onSubmit($('search-form') as HTMLFormElement, async (f) => {
    const d = await session.call<{ searchPersons: { edges: { node: Q.SearchHit }[] } }>(Q.SEARCH, { q: input(f, 'q') });
    renderSearch(d.searchPersons.edges.map((e) => e.node), actions);
  });
  onSubmit($('follow-form') as HTMLFormElement, (f) => command(Q.FOLLOW, { id: input(f, 'id') }, 'follow'));
  onSubmit($('transfer-form') as HTMLFormElement, (f) =>
    command(Q.TRANSFER, { to: input(f, 'to'), amount: Number(input(f, 'amount')), memo: input(f, 'memo') || null }, 'transferCoins'),
  );
  $('refresh-recommendations').addEventListener('click', () => void loadRecommendations().catch(fail));
  $('signout').addEventListener('click', () => {
    const t = session.tokens;
    if (t) void gql(Q.LOGOUT, { t: t.refreshToken }).catch(() => {});
    session.clear();
  });
}

session.onSignedOut = signedOut;
live.onStatus = (s) => {
  const el = $('live-status');
  el.textContent = s;
  el.dataset.reauthenticated = String(live.reauthenticated);
  // Events published while the socket was down (a network blip, or a
  // reconnect after 4401) are not replayed: read the current state.
  if (s === 'live' && session.tokens) scheduleReload();
};
wireForms();
if (session.tokens) signedIn();
else signedOut();
