import type { UserRole } from './tokens.ts';

export interface User {
  readonly id: string;
  readonly email: string | null;
  readonly name: string;
  readonly role: UserRole;
  readonly guest: boolean;
  readonly suspended: boolean;
  readonly createdAt: string;
  /** Bumped by every change that revokes tokens; never sent to clients (not in UserSchema). */
  readonly tokenVersion: number;
}

export interface UserRow {
  id: string;
  email: string | null;
  name: string;
  role: UserRole;
  is_guest: boolean;
  password_hash: string | null;
  token_version: number;
  suspended_at: Date | null;
  created_at: Date;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  guest: r.is_guest,
  suspended: r.suspended_at !== null,
  createdAt: r.created_at.toISOString(),
  tokenVersion: Number(r.token_version),
});
