import { generateSecret, generateURI, verifySync } from 'otplib';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { Sql, Store } from '../../platform/store/store.ts';
import { type MfaKeys, newRecoveryCode } from './mfa-crypto.ts';

/** RFC 6238 defaults every authenticator app supports: SHA-1, 6 digits, 30 s. */
const PERIOD_SECONDS = 30;
/** One step either side: a phone clock a little off, or a code typed as it turned over. */
const TOLERANCE_SECONDS = PERIOD_SECONDS;
export const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'Flashmob';

export type FactorKind = 'totp' | 'recovery' | 'passkey';

export interface MfaStatus {
  /** `pending`: enrolled, waiting for the first code to confirm it. */
  readonly totp: 'off' | 'pending' | 'active';
  readonly recoveryCodesLeft: number;
  readonly passkeys: number;
}

interface TotpRow {
  secret_enc: string;
  activated_at: Date | null;
  last_step: string | number;
}

/** TOTP (RFC 6238) and recovery codes: enrolment, confirmation, disabling, and checking a code. */
export class MfaService {
  constructor(private readonly o: { sql: Store; keys: MfaKeys; clock: Clock }) {}

  async status(userId: string): Promise<MfaStatus> {
    const [row] = await this.o.sql.query<{ activated: boolean | null; codes: number; passkeys: number }>(
      `select (select activated_at is not null from user_totp where user_id = $1) as activated,
         (select count(*)::int from user_recovery_codes where user_id = $1 and used_at is null) as codes,
         (select count(*)::int from user_passkeys where user_id = $1) as passkeys`,
      [userId],
    );
    const totp = row?.activated == null ? 'off' : row.activated ? 'active' : 'pending';
    return { totp, recoveryCodesLeft: row?.codes ?? 0, passkeys: row?.passkeys ?? 0 };
  }

  /** An active TOTP or a passkey: something to step up with. */
  async hasFactor(userId: string): Promise<boolean> {
    const s = await this.status(userId);
    return s.totp === 'active' || s.passkeys > 0;
  }

  /** A new secret, pending until confirmed; enrolling again replaces a pending one. */
  async startTotp(userId: string): Promise<{ secret: string; uri: string }> {
    const [user] = await this.o.sql.query<{ email: string | null; name: string; is_guest: boolean }>(
      'select email, name, is_guest from users where id = $1',
      [userId],
    );
    if (!user) throw new AppError('not_found', 'User not found');
    if (user.is_guest) throw new AppError('forbidden', 'A guest has no account to protect: register first');
    const secret = generateSecret();
    const sealed = this.o.keys.seal(secret, userId);
    const [row] = await this.o.sql.query<{ user_id: string }>(
      `insert into user_totp (user_id, secret_enc, created_at) values ($1, $2, $3)
       on conflict (user_id) do update set secret_enc = excluded.secret_enc, created_at = excluded.created_at,
         last_step = 0
       where user_totp.activated_at is null
       returning user_id`,
      [userId, sealed, new Date(this.o.clock.now())],
    );
    if (!row) throw new AppError('mfa_already_active', 'TOTP is already active: disable it first');
    return { secret, uri: generateURI({ issuer: ISSUER, label: user.email ?? user.name, secret }) };
  }

  /** The first good code activates TOTP and issues the recovery codes, shown this once. */
  async confirmTotp(userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
    return this.o.sql.transaction(async (tx) => {
      const row = await this.totpRow(tx, userId);
      if (!row || row.activated_at)
        throw new AppError('mfa_not_active', 'No TOTP enrolment waits for a code');
      await this.acceptTotp(tx, userId, row, code);
      await tx.query('update user_totp set activated_at = $2 where user_id = $1', [
        userId,
        new Date(this.o.clock.now()),
      ]);
      return { recoveryCodes: await this.replaceRecoveryCodes(tx, userId) };
    });
  }

  /** Turning TOTP off takes a fresh code (or a recovery code): a stolen session alone cannot. */
  async disableTotp(userId: string, code: string): Promise<void> {
    await this.o.sql.transaction(async (tx) => {
      const row = await this.totpRow(tx, userId);
      if (!row?.activated_at) throw new AppError('mfa_not_active', 'TOTP is not active');
      await this.verifyIn(tx, userId, code, row);
      await tx.query('delete from user_totp where user_id = $1', [userId]);
      await tx.query('delete from user_recovery_codes where user_id = $1', [userId]);
    });
  }

  /** Checks a TOTP or an unused recovery code (which is then spent); throws `invalid_code`. */
  async verifyCode(userId: string, code: string): Promise<FactorKind> {
    return this.o.sql.transaction(async (tx) => {
      const row = await this.totpRow(tx, userId);
      if (!row?.activated_at) throw new AppError('mfa_not_active', 'This account has no active TOTP');
      return this.verifyIn(tx, userId, code, row);
    });
  }

  private async verifyIn(tx: Sql, userId: string, code: string, row: TotpRow): Promise<FactorKind> {
    if (/^\d{6}$/.test(code.trim())) {
      await this.acceptTotp(tx, userId, row, code.trim());
      return 'totp';
    }
    const [spent] = await tx.query<{ user_id: string }>(
      `update user_recovery_codes set used_at = $3
       where user_id = $1 and code_hash = $2 and used_at is null returning user_id`,
      [userId, this.o.keys.hashCode(userId, code), new Date(this.o.clock.now())],
    );
    if (!spent) throw new AppError('invalid_code', 'That code is wrong or was used already');
    return 'recovery';
  }

  /** Valid now (±1 step) and of a later step than the last one accepted: no code works twice. */
  private async acceptTotp(tx: Sql, userId: string, row: TotpRow, code: string): Promise<void> {
    const epoch = Math.floor(this.o.clock.now() / 1000);
    const result = verifySync({
      secret: this.o.keys.open(row.secret_enc, userId),
      token: code,
      epoch,
      period: PERIOD_SECONDS,
      epochTolerance: TOLERANCE_SECONDS,
      afterTimeStep: Number(row.last_step),
    });
    if (!result.valid) throw new AppError('invalid_code', 'That code is wrong, expired or used already');
    await tx.query('update user_totp set last_step = $2 where user_id = $1', [
      userId,
      Math.floor(epoch / PERIOD_SECONDS) + result.delta,
    ]);
  }

  private async totpRow(tx: Sql, userId: string): Promise<TotpRow | undefined> {
    const [row] = await tx.query<TotpRow>(
      'select secret_enc, activated_at, last_step from user_totp where user_id = $1 for update',
      [userId],
    );
    return row;
  }

  private async replaceRecoveryCodes(tx: Sql, userId: string): Promise<string[]> {
    await tx.query('delete from user_recovery_codes where user_id = $1', [userId]);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    for (const code of codes)
      await tx.query('insert into user_recovery_codes (user_id, code_hash) values ($1, $2)', [
        userId,
        this.o.keys.hashCode(userId, code),
      ]);
    return codes;
  }
}
