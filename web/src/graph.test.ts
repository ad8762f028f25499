import { describe, expect, it } from 'vitest';
import { elements } from './graph';
import type { Me } from './queries';

describe('elements', () => {
  it('draws follows both ways and only the shared interests', () => {
    const me: Me = {
      id: 'a', name: 'Ada', email: null,
      interests: [{ name: 'go' }, { name: 'chess' }],
      following: { totalCount: 1, edges: [{ node: { id: 'b', name: 'Bo', interests: [{ name: 'go' }, { name: 'golf' }] } }] },
      followers: { totalCount: 1, edges: [{ node: { id: 'c', name: 'Cy', interests: [] } }] },
      wallet: null,
    };
    const ids = elements(me).map((e) => e.data.id);
    expect(ids).toContain('f:a>b');
    expect(ids).toContain('f:c>a');
    expect(ids).toContain('interest:go');
    expect(ids).not.toContain('interest:golf');
    expect(ids).not.toContain('interest:chess');
  });
});
