-- Local stack only: state the auth stand-in keeps beside GoTrue's own tables (its outbox instead of an
-- SMS/email provider, OTP request and wrong-code counters, and the AMR GoTrue keeps in
-- auth.mfa_amr_claims). Idempotent: the stack applies it after bootstrap.sql on every start.

create schema if not exists auth_local;
revoke all on schema auth_local from public;

-- What would have gone out by SMS or email, readable at GET /auth/v1/_local/outbox.
create table if not exists auth_local.outbox (
  id bigserial primary key,
  channel text not null check (channel in ('sms', 'email')),
  recipient text not null,
  code text not null,
  body text not null,
  created_at timestamptz not null default now()
);
create index if not exists outbox_recipient_id_idx on auth_local.outbox (recipient, id desc);
alter table auth_local.outbox enable row level security;

-- One row per OTP request, for max_frequency and the hourly cap per phone or email.
create table if not exists auth_local.otp_requests (
  id bigserial primary key,
  target text not null,
  created_at timestamptz not null default now()
);
create index if not exists otp_requests_target_created_at_idx
  on auth_local.otp_requests (target, created_at desc);
alter table auth_local.otp_requests enable row level security;

-- Wrong codes since the last OTP request; at 5 the outstanding code is void.
create table if not exists auth_local.otp_failures (
  target text primary key,
  failures integer not null default 0 check (failures >= 0),
  updated_at timestamptz not null default now()
);
alter table auth_local.otp_failures enable row level security;

-- How each session signed in, so a refresh keeps the `amr` claim.
create table if not exists auth_local.amr_claims (
  session_id uuid not null references auth.sessions (id) on delete cascade,
  method text not null,
  created_at timestamptz not null default now(),
  primary key (session_id, method)
);
alter table auth_local.amr_claims enable row level security;

-- Messages of the dispatcher's local provider (supabase/functions/_shared/messaging): SMS and push,
-- one row per delivery `ref`, so a repeated send is dropped as a real provider's idempotency would.
alter table auth_local.outbox add column if not exists ref text;
create unique index if not exists outbox_ref_key on auth_local.outbox (ref);
alter table auth_local.outbox drop constraint if exists outbox_channel_check;
alter table auth_local.outbox add constraint outbox_channel_check check (channel in ('sms', 'email', 'push'));
