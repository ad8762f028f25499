// The signed-in session: tokens kept in localStorage so a reload (and the
// playground at /) can use them, and refreshed before or when they expire.
import { ApiError, UNAUTHENTICATED, gql } from './api';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  personId: string;
}

export const STORAGE_KEY = 'interestgraph.session';

/** Refresh this long before the access token's expiry (clock skew, latency). */
const EARLY_MS = 30_000;

const AUTH_FIELDS = 'accessToken refreshToken expiresAt person { id }';
const REFRESH = `mutation Refresh($t: String!) { refreshToken(refreshToken: $t) { ${AUTH_FIELDS} } }`;

interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  person: { id: string };
}

export function toTokens(p: AuthPayload): Tokens {
  return {
    accessToken: p.accessToken,
    refreshToken: p.refreshToken,
    expiresAt: p.expiresAt,
    personId: p.person.id,
  };
}

export type Refresher = (refreshToken: string) => Promise<Tokens>;

const refreshWithApi: Refresher = async (refreshToken) => {
  const d = await gql<{ refreshToken: AuthPayload }>(REFRESH, { t: refreshToken });
  return toTokens(d.refreshToken);
};

export class Session {
  private inflight?: Promise<Tokens>;
  onSignedOut: () => void = () => {};

  constructor(
    private readonly storage: Storage,
    private readonly refresher: Refresher = refreshWithApi,
    private readonly now: () => number = Date.now,
  ) {}

  get tokens(): Tokens | undefined {
    const raw = this.storage.getItem(STORAGE_KEY);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as Tokens;
    } catch {
      return undefined;
    }
  }

  set(t: Tokens): void {
    this.storage.setItem(STORAGE_KEY, JSON.stringify(t));
  }

  clear(): void {
    this.storage.removeItem(STORAGE_KEY);
    this.onSignedOut();
  }

  /** token returns a usable access token, refreshing one about to expire. */
  async token(): Promise<string | undefined> {
    const t = this.tokens;
    if (!t) return undefined;
    if (Date.parse(t.expiresAt) - this.now() > EARLY_MS) return t.accessToken;
    return (await this.refresh()).accessToken;
  }

  /**
   * refresh spends the refresh token once, however many callers ask at the
   * same time: spending a rotated token twice revokes the whole family.
   */
  refresh(): Promise<Tokens> {
    if (!this.inflight) {
      this.inflight = this.doRefresh().finally(() => (this.inflight = undefined));
    }
    return this.inflight;
  }

  private async doRefresh(): Promise<Tokens> {
    const t = this.tokens;
    if (!t) throw new ApiError('signed out', UNAUTHENTICATED);
    try {
      const next = await this.refresher(t.refreshToken);
      this.set(next);
      return next;
    } catch (err) {
      // Another tab may have rotated the token meanwhile: use its result.
      const now = this.tokens;
      if (now && now.refreshToken !== t.refreshToken) return now;
      this.clear();
      throw err;
    }
  }

  /** call runs an operation as the session, refreshing once on 401. */
  async call<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    try {
      return await gql<T>(query, variables, await this.token());
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== UNAUTHENTICATED || !this.tokens) throw err;
      const t = await this.refresh();
      return gql<T>(query, variables, t.accessToken);
    }
  }
}
