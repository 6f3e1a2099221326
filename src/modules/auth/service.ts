import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { PG, pgCode, type Sql } from '../../platform/store/store.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { Principal, TokenService, UserRole } from './tokens.ts';

export interface User {
  readonly id: string;
  readonly email: string | null;
  readonly name: string;
  readonly role: UserRole;
  readonly guest: boolean;
  readonly createdAt: string;
}

interface UserRow {
  id: string;
  email: string | null;
  name: string;
  role: UserRole;
  is_guest: boolean;
  password_hash: string | null;
  created_at: Date;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  guest: r.is_guest,
  createdAt: r.created_at.toISOString(),
});

const principalOf = (u: User): Principal => ({ id: u.id, role: u.role, guest: u.guest });

/** A password hash of nothing, compared against when the email is unknown (no timing oracle). */
let dummyHash: Promise<string> | undefined;

export class AuthService {
  constructor(
    private readonly sql: Sql,
    private readonly tokens: TokenService,
  ) {}

  async createUser(input: { email: string; password: string; name: string; role?: UserRole }): Promise<User> {
    const hash = await hashPassword(input.password);
    try {
      const [row] = await this.sql.query<UserRow>(
        `insert into users (id, email, name, password_hash, role) values ($1, $2, $3, $4, $5) returning *`,
        [newId('user'), input.email.toLowerCase(), input.name, hash, input.role ?? 'buyer'],
      );
      return toUser(row as UserRow);
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
    const user = await this.createUser(input);
    return { user, token: await this.tokens.sign(principalOf(user)) };
  }

  async login(email: string, password: string): Promise<{ user: User; token: string }> {
    const row = await this.byEmail(email);
    if (!row?.password_hash) {
      dummyHash ??= hashPassword('not a password');
      await verifyPassword(password, await dummyHash);
      throw new AppError('invalid_credentials', 'Email or password is wrong');
    }
    if (!(await verifyPassword(password, row.password_hash))) {
      throw new AppError('invalid_credentials', 'Email or password is wrong');
    }
    const user = toUser(row);
    return { user, token: await this.tokens.sign(principalOf(user)) };
  }

  /** A buyer without an account: a user row (so holds and orders have an owner) and a token. */
  async guest(): Promise<{ user: User; token: string }> {
    const id = newId('user');
    const [row] = await this.sql.query<UserRow>(
      `insert into users (id, name, role, is_guest) values ($1, $2, 'buyer', true) returning *`,
      [id, `Guest ${id.slice(-4)}`],
    );
    const user = toUser(row as UserRow);
    return { user, token: await this.tokens.sign(principalOf(user)) };
  }

  async get(id: string): Promise<User | undefined> {
    const [row] = await this.sql.query<UserRow>('select * from users where id = $1', [id]);
    return row ? toUser(row) : undefined;
  }

  async setRole(id: string, role: UserRole): Promise<User> {
    const [row] = await this.sql.query<UserRow>(
      'update users set role = $2 where id = $1 and not is_guest returning *',
      [id, role],
    );
    if (!row) {
      const exists = await this.get(id);
      if (exists) throw new AppError('forbidden', 'A guest cannot be given a role; they must register');
      throw new AppError('not_found', 'User not found');
    }
    return toUser(row);
  }

  /** ADMIN_EMAIL + ADMIN_PASSWORD: create that admin if absent (never changes an existing one). */
  async ensureAdmin(email: string, password: string): Promise<{ created: boolean; user: User }> {
    const row = await this.byEmail(email);
    if (row) return { created: false, user: toUser(row) };
    try {
      return {
        created: true,
        user: await this.createUser({ email, password, name: 'Admin', role: 'admin' }),
      };
    } catch (e) {
      // Another node created it at the same moment.
      if (e instanceof AppError && e.code === 'email_taken') {
        return { created: false, user: toUser((await this.byEmail(email)) as UserRow) };
      }
      throw e;
    }
  }

  private async byEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.sql.query<UserRow>('select * from users where lower(email) = lower($1)', [
      email,
    ]);
    return row;
  }

  tokenFor(user: User): Promise<string> {
    return this.tokens.sign(principalOf(user));
  }
}
