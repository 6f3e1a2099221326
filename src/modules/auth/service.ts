import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { PG, pgCode, type Sql, type Store } from '../../platform/store/store.ts';
import { type AuditAction, type AuditActor, record, SYSTEM_ACTOR } from '../audit/index.ts';
import { authorize, changeAccount } from '../policy/index.ts';
import type { AccountStates } from './account-states.ts';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, type ScryptParams, verifyPassword } from './passwords.ts';
import type { Principal, TokenService, UserRole } from './tokens.ts';
import { toUser, type User, type UserRow } from './user.ts';

export type { User } from './user.ts';

const principalOf = (u: User): Principal => ({ id: u.id, role: u.role, guest: u.guest });

export interface AuthServiceOptions {
  readonly store: Store;
  readonly tokens: TokenService;
  readonly clock: Clock;
  /** Where a change is applied at once on this node and announced to the others. */
  readonly accounts?: AccountStates;
  /** scrypt parameters for new hashes; weaker stored ones are rehashed at sign-in. */
  readonly passwordParams?: ScryptParams;
}

/** An actor of an admin action, with where the request came from (the audit log's ip). */
export type Acting = Principal & { readonly ip?: string | undefined };

const auditActor = (a: Acting): AuditActor => ({ id: a.id, role: a.role, ip: a.ip });

export class AuthService {
  private readonly store: Store;
  private readonly tokens: TokenService;
  private readonly params: ScryptParams;
  /** A password hash of nothing, compared against when the email is unknown (no timing oracle). */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly o: AuthServiceOptions) {
    this.store = o.store;
    this.tokens = o.tokens;
    this.params = o.passwordParams ?? DEFAULT_SCRYPT;
  }

  async createUser(input: { email: string; password: string; name: string; role?: UserRole }): Promise<User> {
    const hash = await hashPassword(input.password, this.params);
    const role = input.role ?? 'buyer';
    try {
      return await this.store.transaction(async (tx) => {
        const [row] = await tx.query<UserRow>(
          `insert into users (id, email, name, password_hash, role) values ($1, $2, $3, $4, $5) returning *`,
          [newId('user'), input.email.toLowerCase(), input.name, hash, role],
        );
        const user = toUser(row as UserRow);
        // Accounts made with a role are made by an operator (the CLI, ADMIN_EMAIL): recorded.
        if (role !== 'buyer') await this.audit(tx, SYSTEM_ACTOR, 'user.created', user.id, { role });
        return user;
      });
    } catch (e) {
      if (pgCode(e) === PG.uniqueViolation)
        throw new AppError('email_taken', 'An account with this email exists');
      throw e;
    }
  }

  async register(input: {
    email: string;
    password: string;
    name: string;
  }): Promise<{ user: User; token: string }> {
    const user = await this.createUser({ ...input, role: 'buyer' });
    return { user, token: await this.tokenFor(user) };
  }

  async login(email: string, password: string): Promise<{ user: User; token: string }> {
    const row = await this.byEmail(email);
    if (!row?.password_hash) {
      this.dummyHash ??= hashPassword('not a password', this.params);
      await verifyPassword(password, await this.dummyHash);
      throw new AppError('invalid_credentials', 'Email or password is wrong');
    }
    if (!(await verifyPassword(password, row.password_hash))) {
      throw new AppError('invalid_credentials', 'Email or password is wrong');
    }
    // Only the owner of the password learns that the account is suspended.
    if (row.suspended_at) throw new AppError('account_suspended', 'This account is suspended');
    if (needsRehash(row.password_hash, this.params)) await this.rehash(row, password);
    const user = toUser(row);
    return { user, token: await this.tokenFor(user) };
  }

  /**
   * A hash made with weaker parameters is replaced while the password is at hand. Not a password
   * change: the version stays, no token is revoked. Only if the hash is still the one read.
   */
  private async rehash(row: UserRow, password: string): Promise<void> {
    const hash = await hashPassword(password, this.params);
    await this.store.query('update users set password_hash = $2 where id = $1 and password_hash = $3', [
      row.id,
      hash,
      row.password_hash,
    ]);
  }

  /** A buyer without an account: a user row (so holds and orders have an owner) and a token. */
  async guest(): Promise<{ user: User; token: string }> {
    const id = newId('user');
    const [row] = await this.store.query<UserRow>(
      `insert into users (id, name, role, is_guest) values ($1, $2, 'buyer', true) returning *`,
      [id, `Guest ${id.slice(-4)}`],
    );
    const user = toUser(row as UserRow);
    return { user, token: await this.tokenFor(user) };
  }

  async get(id: string): Promise<User | undefined> {
    const [row] = await this.store.query<UserRow>('select * from users where id = $1', [id]);
    return row ? toUser(row) : undefined;
  }

  /**
   * Admin: a user's role and/or suspension. Takes effect at once: the account's version moves,
   * so every token signed before is refused (on this node now, on the others within the
   * account-state window or as soon as the bus notice arrives), and its sockets are closed.
   * The rule "an admin cannot change their own account" lives here until the policy module.
   */
  async updateAccount(
    actor: Acting,
    id: string,
    change: { role?: UserRole; suspended?: boolean },
  ): Promise<User> {
    authorize(changeAccount(actor, id));
    return this.change(id, async (tx, row) => {
      if (change.role !== undefined && change.role !== row.role && row.is_guest)
        throw new AppError('forbidden', 'A guest cannot be given a role; they must register');
      const roleChanges = change.role !== undefined && change.role !== row.role;
      const suspensionChanges =
        change.suspended !== undefined && change.suspended !== (row.suspended_at !== null);
      if (!roleChanges && !suspensionChanges) return undefined;
      const now = this.o.clock.now();
      const [updated] = await tx.query<UserRow>(
        `update users set role = $2, suspended_at = $3, token_version = token_version + 1
         where id = $1 returning *`,
        [
          id,
          roleChanges ? change.role : row.role,
          suspensionChanges ? (change.suspended ? new Date(now) : null) : row.suspended_at,
        ],
      );
      if (roleChanges)
        await this.audit(tx, auditActor(actor), 'user.role_changed', id, { from: row.role, to: change.role });
      if (suspensionChanges)
        await this.audit(tx, auditActor(actor), change.suspended ? 'user.suspended' : 'user.unsuspended', id);
      return updated;
    });
  }

  /** The signed-in user's own password: every other token of theirs is revoked; a fresh one back. */
  async changePassword(
    actor: Acting,
    input: { currentPassword: string; newPassword: string },
  ): Promise<{ user: User; token: string }> {
    const [current] = await this.store.query<UserRow>('select * from users where id = $1', [actor.id]);
    if (!current) throw new AppError('invalid_token', 'This account no longer exists');
    if (!current.password_hash) throw new AppError('forbidden', 'A guest has no password: register first');
    if (!(await verifyPassword(input.currentPassword, current.password_hash)))
      throw new AppError('invalid_credentials', 'The current password is wrong');
    const hash = await hashPassword(input.newPassword, this.params);
    const user = await this.change(actor.id, async (tx) => {
      const [updated] = await tx.query<UserRow>(
        'update users set password_hash = $2, token_version = token_version + 1 where id = $1 returning *',
        [actor.id, hash],
      );
      await this.audit(tx, auditActor(actor), 'user.password_changed', actor.id);
      return updated;
    });
    return { user, token: await this.tokenFor(user) };
  }

  /**
   * ADMIN_EMAIL + ADMIN_PASSWORD: create that admin if absent (never changes an existing one).
   * An existing account with that email that is not an admin refuses the start: whoever
   * registered the address first must not block, or become, the admin.
   */
  async ensureAdmin(
    input: { email: string; password: string; name?: string | undefined },
    source = 'ADMIN_EMAIL',
  ): Promise<{ created: boolean; user: User }> {
    const existing = await this.byEmail(input.email);
    if (existing) return { created: false, user: this.assertAdmin(existing, source) };
    try {
      const user = await this.createUser({ ...input, name: input.name ?? 'Admin', role: 'admin' });
      return { created: true, user };
    } catch (e) {
      // Another node created it at the same moment.
      if (e instanceof AppError && e.code === 'email_taken') {
        return {
          created: false,
          user: this.assertAdmin((await this.byEmail(input.email)) as UserRow, source),
        };
      }
      throw e;
    }
  }

  private assertAdmin(row: UserRow, source: string): User {
    if (row.role !== 'admin') {
      throw new AdminConflictError(
        `${source} ${row.email} belongs to an existing ${row.is_guest ? 'guest' : row.role} account, not an admin: ` +
          'refusing to start (choose another address, or promote that account with PATCH /api/users/:id)',
      );
    }
    return toUser(row);
  }

  private async byEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.store.query<UserRow>('select * from users where lower(email) = lower($1)', [
      email,
    ]);
    return row;
  }

  /** Locks the user, applies `apply` (undefined: nothing changed), commits, then tells every node. */
  private async change(
    id: string,
    apply: (tx: Sql, row: UserRow) => Promise<UserRow | undefined>,
  ): Promise<User> {
    const { row, changed } = await this.store.transaction(async (tx) => {
      const [locked] = await tx.query<UserRow>('select * from users where id = $1 for update', [id]);
      if (!locked) throw new AppError('not_found', 'User not found');
      const updated = await apply(tx, locked);
      return { row: updated ?? locked, changed: updated !== undefined };
    });
    // Nothing changed, nothing revoked: the user's sockets stay open.
    if (changed)
      this.o.accounts?.changed({
        userId: row.id,
        version: Number(row.token_version),
        suspended: row.suspended_at !== null,
      });
    return toUser(row);
  }

  private audit(
    tx: Sql,
    actor: AuditActor,
    action: AuditAction,
    userId: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    return record(tx, {
      at: this.o.clock.now(),
      actor,
      action,
      target: { type: 'user', id: userId },
      ...(details ? { details } : {}),
    });
  }

  tokenFor(user: User): Promise<string> {
    return this.tokens.sign(principalOf(user), { version: user.tokenVersion });
  }
}

/** The account behind ADMIN_EMAIL (or `admin create --email`) exists and is not an admin. */
export class AdminConflictError extends Error {
  override name = 'AdminConflictError';
}
