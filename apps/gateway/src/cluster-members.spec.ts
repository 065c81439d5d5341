import { describe, expect, it } from 'vitest';
import { ClusterMembers } from './cluster-members';

const beat = (nodeId: string, family: string) => ({
  nodeId,
  family,
  nodeType: 'logic' as const,
  pid: 42,
  startedAt: '2026-01-01T00:00:00.000Z',
  intervalMs: 1_000,
});

describe('ClusterMembers', () => {
  it('lists the nodes heard from within three beats, by family then id, and forgets the silent ones', () => {
    const members = new ClusterMembers();
    const now = Date.now();
    members.observe(beat('orders-1', 'orders'), now);
    members.observe(beat('cart-2', 'cart'), now);
    members.observe(beat('cart-1', 'cart'), now - 2_500);
    expect(members.live(now).map((member) => member.nodeId)).toEqual(['cart-1', 'cart-2', 'orders-1']);
    // cart-1 missed its third beat first; then the others.
    expect(members.live(now + 600).map((member) => member.nodeId)).toEqual(['cart-2', 'orders-1']);
    expect(members.live(now + 3_500)).toEqual([]);
  });

  it('keeps a node that keeps beating', () => {
    const members = new ClusterMembers();
    const start = Date.now();
    for (let second = 0; second < 10; second += 1)
      members.observe(beat('catalog-1', 'catalog'), start + second * 1_000);
    expect(members.live(start + 11_000)).toHaveLength(1);
  });
});
