// GraphiQL, bundled so the playground at / loads nothing from another
// origin (gqlgen's playground.Handler loads it from a CDN). The headers
// editor starts with the app's access token when signed in at /app/.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { STORAGE_KEY, type Tokens } from './session';
import './playground.css';

function storedToken(): string | undefined {
  try {
    return (JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Tokens | null)?.accessToken;
  } catch {
    return undefined;
  }
}

const token = storedToken();
const auth = token ? { Authorization: `Bearer ${token}` } : undefined;
const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
const fetcher = createGraphiQLFetcher({
  url: `${location.origin}/graphql`,
  subscriptionUrl: `${proto}//${location.host}/graphql`,
  wsConnectionParams: auth,
});

const defaultQuery = `# interestgraph. Sign in at /app/ and reload to get a token in the
# Headers tab, or paste one there: {"Authorization": "Bearer <accessToken>"}
query {
  me { id name followerCount followingCount }
}
`;

const root = document.getElementById('graphiql');
if (root) {
  createRoot(root).render(
    createElement(GraphiQL, {
      fetcher,
      defaultQuery,
      isHeadersEditorEnabled: true,
      // A stale token persisted by GraphiQL would override the fresh one.
      shouldPersistHeaders: false,
      defaultHeaders: JSON.stringify(auth ?? {}, null, 2),
    }),
  );
}
