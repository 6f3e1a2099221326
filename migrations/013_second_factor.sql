-- Second factors (issue #14 item 3): TOTP (RFC 6238), single-use recovery codes and passkeys
-- (WebAuthn), used to step up before sensitive actions (src/domain/step-up.ts).
-- The TOTP secret is stored encrypted (AES-256-GCM, key derived from JWT_SECRET with HKDF): a
-- dump of this table alone does not give the codes away. Recovery codes are stored as keyed
-- hashes only; the user sees them once.
create table user_totp (
  user_id text primary key references users(id) on delete cascade,
  secret_enc text not null,
  -- null until the first code is confirmed; only an active factor is asked for.
  activated_at timestamptz,
  -- The last RFC 6238 time step accepted: a code is never accepted twice (replay).
  last_step bigint not null default 0,
  created_at timestamptz not null
);

create table user_recovery_codes (
  user_id text not null references users(id) on delete cascade,
  code_hash text not null,
  used_at timestamptz,
  primary key (user_id, code_hash)
);

-- WebAuthn credentials (passkeys), registered as a second factor.
create table user_passkeys (
  id text primary key,
  user_id text not null references users(id) on delete cascade,
  public_key text not null,
  counter bigint not null default 0,
  transports text[] not null default '{}',
  created_at timestamptz not null
);
create index user_passkeys_user on user_passkeys (user_id);

-- The pending WebAuthn challenge of a user's ceremony (registration or authentication).
create table webauthn_challenges (
  user_id text not null references users(id) on delete cascade,
  purpose text not null check (purpose in ('register', 'authenticate')),
  challenge text not null,
  expires_at timestamptz not null,
  primary key (user_id, purpose)
);
