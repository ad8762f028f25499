// Live updates over graphql-ws (the graphql-transport-ws protocol). The
// gateway closes a socket with 4401 when its access token expires (or was
// already expired at connection_init); graphql-ws treats 4401 as fatal, so
// this module refreshes the session and reconnects every subscription.
import { createClient, type Client } from 'graphql-ws';
import type { Session } from './session';

const UNAUTHORIZED = 4401;

interface Sub {
  query: string;
  variables: Record<string, unknown>;
  onData: (data: unknown) => void;
  stop?: () => void;
}

function isClose(e: unknown, code: number): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === code;
}

export class Live {
  private client?: Client;
  private readonly subs = new Set<Sub>();
  /** How many times the socket was reopened with a refreshed token. */
  reauthenticated = 0;
  onStatus: (s: string) => void = () => {};

  constructor(private readonly session: Session) {}

  private connect(): Client {
    if (this.client) return this.client;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.client = createClient({
      url: `${proto}//${location.host}/graphql`,
      // Called at every (re)connect, so a reconnect carries a fresh token.
      connectionParams: async () => {
        const token = await this.session.token();
        return token ? { Authorization: `Bearer ${token}` } : {};
      },
      retryAttempts: 20,
      keepAlive: 10_000,
      on: {
        connected: () => this.onStatus('live'),
        closed: () => this.onStatus('reconnecting'),
      },
    });
    return this.client;
  }

  /** subscribe runs query until the returned function is called. */
  subscribe(query: string, variables: Record<string, unknown>, onData: (d: unknown) => void): () => void {
    const sub: Sub = { query, variables, onData };
    this.subs.add(sub);
    this.start(sub);
    return () => {
      this.subs.delete(sub);
      sub.stop?.();
    };
  }

  private start(sub: Sub): void {
    sub.stop = this.connect().subscribe(
      { query: sub.query, variables: sub.variables },
      {
        next: (r) => r.data && sub.onData(r.data),
        error: (e) => void this.failed(e),
        complete: () => {},
      },
    );
  }

  private reconnecting?: Promise<void>;

  private async failed(e: unknown): Promise<void> {
    if (!isClose(e, UNAUTHORIZED)) {
      this.onStatus('offline');
      return;
    }
    // All subscriptions of the socket fail at once: reconnect once.
    this.reconnecting ??= (async () => {
      try {
        await this.session.refresh();
      } catch {
        return; // signed out: the session says so
      }
      this.client?.dispose();
      this.client = undefined;
      this.reauthenticated++;
      this.subs.forEach((s) => this.start(s));
    })().finally(() => (this.reconnecting = undefined));
    await this.reconnecting;
  }

  close(): void {
    this.subs.clear();
    this.client?.dispose();
    this.client = undefined;
  }
}
