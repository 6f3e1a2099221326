-- Accounts that can be taken away, and the audit log (modules/auth, modules/audit).
--
-- token_version: every token carries the version it was signed at (claim `tv`); a role change, a
-- password change, a suspension or its end bumps it, and a token of an older version is refused.
-- suspended_at: a suspended account's tokens are refused (account_suspended) and it cannot sign in.
alter table users add column token_version integer not null default 0;
alter table users add column suspended_at timestamptz;

-- Every privileged action, append-only: who (actor id and the role they acted with; a null actor
-- is the system itself: the CLI, ADMIN_EMAIL at start), what, on what, when, from where.
create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null,
  actor_id text,
  actor_role text not null,
  action text not null,
  target_type text not null,
  target_id text not null,
  details jsonb not null default '{}'::jsonb,
  ip text
);
create index audit_log_at_idx on audit_log (at);
create index audit_log_actor_idx on audit_log (actor_id, at);
create index audit_log_action_idx on audit_log (action, at);
create index audit_log_target_idx on audit_log (target_id, at);

-- Append-only for the application's own role too: an update or a delete is an error.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end
$$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();
