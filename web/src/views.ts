// Rendering of the signed-in page's sections from query results.
import { $, button, h } from './dom';
import type { Me, Notification, Recommendation, SearchHit } from './queries';

export interface Actions {
  removeInterest(name: string): void;
  follow(id: string): void;
  unfollow(id: string): void;
}

export function renderMe(me: Me, act: Actions): void {
  $('me-name').textContent = me.name;
  $('me-id').textContent = me.id;
  $('interests').replaceChildren(
    ...me.interests.map((i) => h('li', {}, `#${i.name} `, button('remove', () => act.removeInterest(i.name)))),
  );
  $('following').replaceChildren(
    ...me.following.edges.map(({ node }) =>
      h('li', { 'data-id': node.id }, `${node.name} `, button('unfollow', () => act.unfollow(node.id))),
    ),
  );
  $('followers').replaceChildren(...me.followers.edges.map(({ node }) => h('li', { 'data-id': node.id }, node.name)));
  $('follow-counts').textContent = `following ${me.following.totalCount} · followers ${me.followers.totalCount}`;
  renderWallet(me);
}

function renderWallet(me: Me): void {
  const w = me.wallet;
  $('balance').textContent = w ? String(w.balance) : '–';
  $('transfers').replaceChildren(
    ...(w?.transfers.edges ?? []).map(({ node: t }) => {
      const dir = t.to.id === me.id ? `+${t.amount} from ${t.from?.name ?? 'grant'}` : `−${t.amount} to ${t.to.name}`;
      return h('li', {}, `${new Date(t.at).toLocaleString()} ${dir}${t.memo ? ` “${t.memo}”` : ''}`);
    }),
  );
}

export function renderRecommendations(recs: Recommendation[], act: Actions): void {
  $('recommendations').replaceChildren(
    ...recs.map((r) =>
      h(
        'li',
        { 'data-id': r.person.id },
        `${r.person.name} (${r.sharedInterests.map((i) => `#${i.name}`).join(' ') || 'friend of a friend'}) `,
        button('follow', () => act.follow(r.person.id), { class: 'follow', 'data-id': r.person.id }),
      ),
    ),
  );
  if (recs.length === 0) $('recommendations').append(h('li', {}, 'No one yet: add interests others have.'));
}

export function renderSearch(hits: SearchHit[], act: Actions): void {
  $('search-results').replaceChildren(
    ...hits.map((p) =>
      h(
        'li',
        { 'data-id': p.id },
        `${p.name} (${p.followerCount} followers) `,
        button('follow', () => act.follow(p.id), { class: 'follow', 'data-id': p.id }),
      ),
    ),
  );
  if (hits.length === 0) $('search-results').append(h('li', {}, 'No one by that name.'));
}

const MAX_NOTIFICATIONS = 50;

export function addNotification(n: Notification): void {
  const who = n.actor?.name ?? 'someone';
  const text = n.kind === 'FOLLOWED' ? `${who} followed you` : n.kind === 'COINS_RECEIVED' ? `${who} sent you ${n.amount} coins` : n.kind;
  const list = $('notifications');
  list.prepend(h('li', { 'data-kind': n.kind, 'data-actor': n.actor?.id ?? '' }, `${new Date(n.at).toLocaleTimeString()} ${text}`));
  while (list.children.length > MAX_NOTIFICATIONS) list.lastElementChild?.remove();
}

/** clearViews forgets the signed-out person's page (a shared computer). */
export function clearViews(): void {
  for (const id of ['me-name', 'me-id', 'follow-counts', 'balance']) $(id).textContent = '';
  for (const id of ['interests', 'following', 'followers', 'recommendations', 'search-results', 'notifications', 'transfers']) {
    $(id).replaceChildren();
  }
}
