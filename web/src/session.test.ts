import { describe, expect, it, vi } from 'vitest';
import { STORAGE_KEY, Session, type Tokens } from './session';

class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

const at = (ms: number) => new Date(ms).toISOString();
const tokens = (n: number, expires: number): Tokens => ({
  accessToken: `a${n}`,
  refreshToken: `r${n}`,
  expiresAt: at(expires),
  personId: 'p1',
});

describe('Session', () => {
  it('uses a fresh token as it is', async () => {
    const refresher = vi.fn();
    const s = new Session(new MemoryStorage(), refresher, () => 0);
    s.set(tokens(1, 600_000));
    expect(await s.token()).toBe('a1');
    expect(refresher).not.toHaveBeenCalled();
  });

  it('refreshes a token about to expire, once for concurrent callers', async () => {
    const refresher = vi.fn(async () => tokens(2, 900_000));
    const s = new Session(new MemoryStorage(), refresher, () => 590_000);
    s.set(tokens(1, 600_000));
    const got = await Promise.all([s.token(), s.token(), s.token()]);
    expect(got).toEqual(['a2', 'a2', 'a2']);
    expect(refresher).toHaveBeenCalledTimes(1);
    expect(refresher).toHaveBeenCalledWith('r1');
  });

  it('signs out when the refresh token is refused', async () => {
    const storage = new MemoryStorage();
    const s = new Session(storage, async () => Promise.reject(new Error('revoked')), () => 700_000);
    const out = vi.fn();
    s.onSignedOut = out;
    s.set(tokens(1, 600_000));
    await expect(s.token()).rejects.toThrow('revoked');
    expect(storage.getItem(STORAGE_KEY)).toBeNull();
    expect(out).toHaveBeenCalledOnce();
  });
});
