import { AppError } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/store.ts';

/** Buyers following hosts: the audience that hears when a host goes live. */
export class FollowsService {
  constructor(private readonly store: Store) {}

  async follow(followerId: string, hostId: string): Promise<{ following: boolean; followers: number }> {
    const [host] = await this.store.query<{ role: string }>('select role from users where id = $1', [hostId]);
    if (!host || host.role === 'buyer') throw new AppError('not_found', 'No such host');
    if (followerId === hostId) throw new AppError('validation_failed', 'You cannot follow yourself');
    await this.store.query(
      'insert into host_follows (follower_id, host_id) values ($1, $2) on conflict do nothing',
      [followerId, hostId],
    );
    return { following: true, followers: await this.followerCount(hostId) };
  }

  async unfollow(followerId: string, hostId: string): Promise<{ following: boolean; followers: number }> {
    await this.store.query('delete from host_follows where follower_id = $1 and host_id = $2', [
      followerId,
      hostId,
    ]);
    return { following: false, followers: await this.followerCount(hostId) };
  }

  async followerCount(hostId: string): Promise<number> {
    const [row] = await this.store.query<{ n: number }>(
      'select count(*)::int as n from host_follows where host_id = $1',
      [hostId],
    );
    return row?.n ?? 0;
  }

  /** Who follows a host: what the notifications work fans out to. */
  async followers(
    hostId: string,
    limit = 1_000,
  ): Promise<Array<{ id: string; name: string; since: string }>> {
    const rows = await this.store.query<{ id: string; name: string; created_at: Date }>(
      `select u.id, u.name, f.created_at from host_follows f join users u on u.id = f.follower_id
       where f.host_id = $1 order by f.created_at limit $2`,
      [hostId, limit],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, since: r.created_at.toISOString() }));
  }

  /** Which of these users follow the host (to tell the ones online that the host went live). */
  async followersAmong(hostId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.store.query<{ follower_id: string }>(
      'select follower_id from host_follows where host_id = $1 and follower_id = any($2::text[])',
      [hostId, userIds],
    );
    return rows.map((r) => r.follower_id);
  }

  async isFollowing(followerId: string, hostId: string): Promise<boolean> {
    const rows = await this.store.query(
      'select 1 from host_follows where follower_id = $1 and host_id = $2',
      [followerId, hostId],
    );
    return rows.length > 0;
  }
}
