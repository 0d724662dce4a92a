-- Messages (issue 7): templates per locale, per-member opt-out per channel, an outbox of messages
-- with one delivery per channel, an in-app inbox, web push subscriptions, and the delivery state
-- machine the `dispatch` edge function drives. Other features enqueue through
-- private.enqueue_message(program, member, template, params, dedupe_key).
--
-- Delivery guarantee (stated once here; the dispatcher's comments repeat it per provider):
--   pending --claim--> sending (lease, attempt counted, committed BEFORE the provider is called)
--   sending --complete--> sent | failed | pending (a retryable refusal the provider answered)
--   sending, lease expired --claim again--> sending with the SAME provider key when the provider
--     deduplicates by that key (Kavenegar `localid`; web push: the same Topic and notification tag,
--     so a repeat replaces the first on the device); unknown when it does not (Twilio), so a
--     crash between send and mark never sends twice; a manager decides about `unknown` ones.
--   inbox deliveries are written in the enqueueing transaction itself: exactly once by construction.
-- So SMS by Kavenegar and inbox messages are exactly-once; Twilio is at-most-once; a push may reach
-- the push service twice but shows once.

create type public.message_channel as enum ('inbox', 'sms', 'push');
create type public.delivery_status as enum ('pending', 'sending', 'sent', 'failed', 'skipped', 'unknown');

create table public.message_templates (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_]{1,40}$'),
  locale text not null check (locale in ('fa', 'he', 'en')),
  channels public.message_channel[] not null default '{inbox}'
    check (cardinality(channels) between 1 and 3),
  title text not null default '' check (char_length(title) <= 120),
  body text not null check (char_length(body) between 1 and 1000),
  updated_at timestamptz not null default now(),
  unique (program_id, key, locale)
);
alter table public.message_templates enable row level security;

-- One row per member who changed anything: channels they opted out of and the language they read.
create table public.message_preferences (
  member_id uuid primary key,
  program_id uuid not null,
  opted_out public.message_channel[] not null default '{}',
  locale text check (locale in ('fa', 'he', 'en')),
  updated_at timestamptz not null default now(),
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade
);
create index message_preferences_program_id_idx on public.message_preferences (program_id, member_id);
alter table public.message_preferences enable row level security;

-- A browser's push subscription belongs to a person and carries every club's pushes to them.
create table public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  endpoint text not null unique check (endpoint ~ '^https?://' and char_length(endpoint) <= 1000),
  p256dh text not null check (p256dh ~ '^[A-Za-z0-9_-]{80,100}$'),
  auth text not null check (auth ~ '^[A-Za-z0-9_-]{16,32}$'),
  created_at timestamptz not null default now()
);
create index push_subscriptions_user_id_idx on public.push_subscriptions (user_id);
alter table public.push_subscriptions enable row level security;

create table public.messages (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  member_id uuid not null,
  template text not null,
  params jsonb not null default '{}'::jsonb check (jsonb_typeof(params) = 'object'),
  dedupe_key text not null check (char_length(dedupe_key) between 1 and 200),
  locale text not null,
  title text not null,
  body text not null,
  created_at timestamptz not null default now(),
  unique (program_id, dedupe_key),
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade
);
create index messages_member_id_idx on public.messages (member_id, program_id);
create index messages_program_created_idx on public.messages (program_id, created_at desc);
alter table public.messages enable row level security;

create table public.message_deliveries (
  id uuid primary key default gen_random_uuid(),
  message_id uuid not null references public.messages (id) on delete cascade,
  program_id uuid not null references public.programs (id) on delete cascade,
  channel public.message_channel not null,
  status public.delivery_status not null default 'pending',
  -- Quiet hours and retries defer, never drop: nothing is claimed before this time.
  not_before timestamptz not null default now(),
  attempts int not null default 0 check (attempts >= 0),
  lease_token uuid,
  lease_until timestamptz,
  provider text,
  provider_ref text,
  last_error text,
  sent_at timestamptz,
  updated_at timestamptz not null default now(),
  unique (message_id, channel),
  check ((status = 'sending') = (lease_until is not null)),
  check ((status = 'sent') = (sent_at is not null))
);
create index message_deliveries_due_idx on public.message_deliveries (not_before)
  where status in ('pending', 'sending');
create index message_deliveries_program_id_idx on public.message_deliveries (program_id, updated_at desc);
alter table public.message_deliveries enable row level security;

create table public.inbox_messages (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null,
  member_id uuid not null,
  message_id uuid not null unique references public.messages (id) on delete cascade,
  title text not null,
  body text not null,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade
);
create index inbox_messages_member_idx on public.inbox_messages (member_id, program_id, created_at desc);
create index inbox_messages_unread_idx on public.inbox_messages (member_id) where read_at is null;
alter table public.inbox_messages enable row level security;

-- Policies
create policy "Managers read their club's templates" on public.message_templates
  for select to authenticated using ((select private.is_staff(program_id, 'manager')));
create policy "Managers add templates" on public.message_templates
  for insert to authenticated with check ((select private.is_staff(program_id, 'manager')));
create policy "Managers edit templates" on public.message_templates
  for update to authenticated
  using ((select private.is_staff(program_id, 'manager')))
  with check ((select private.is_staff(program_id, 'manager')));
create policy "Managers delete templates" on public.message_templates
  for delete to authenticated using ((select private.is_staff(program_id, 'manager')));

create policy "Members read their message preferences and managers their club's" on public.message_preferences
  for select to authenticated
  using ((select private.owns_member(member_id)) or (select private.is_staff(program_id, 'manager')));
create policy "People read their own push subscriptions" on public.push_subscriptions
  for select to authenticated using (user_id = (select auth.uid()));
create policy "People add their own push subscriptions" on public.push_subscriptions
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy "People remove their own push subscriptions" on public.push_subscriptions
  for delete to authenticated using (user_id = (select auth.uid()));

create policy "Managers read their club's messages" on public.messages
  for select to authenticated using ((select private.is_staff(program_id, 'manager')));

create policy "Managers read their club's deliveries" on public.message_deliveries
  for select to authenticated using ((select private.is_staff(program_id, 'manager')));

create policy "Members read their own inbox" on public.inbox_messages
  for select to authenticated using ((select private.owns_member(member_id)));
create policy "Members mark their own inbox messages read" on public.inbox_messages
  for update to authenticated
  using ((select private.owns_member(member_id)))
  with check ((select private.owns_member(member_id)));

revoke all on public.message_templates, public.message_preferences, public.push_subscriptions,
  public.messages, public.message_deliveries, public.inbox_messages from anon, authenticated;
grant select, delete on public.message_templates to authenticated;
grant insert (program_id, key, locale, channels, title, body) on public.message_templates to authenticated;
grant update (channels, title, body, updated_at) on public.message_templates to authenticated;
-- Members change their preferences through set_message_preferences, which checks the membership.
grant select on public.message_preferences to authenticated;
grant select (id, user_id, endpoint, created_at), delete on public.push_subscriptions to authenticated;
grant insert (endpoint, p256dh, auth) on public.push_subscriptions to authenticated;
grant select on public.messages, public.message_deliveries, public.inbox_messages to authenticated;
grant update (read_at) on public.inbox_messages to authenticated;
-- The outbox is written only by the functions below, so its state machine cannot be bypassed.
revoke insert, update, delete on public.messages, public.message_deliveries, public.inbox_messages,
  public.message_preferences from service_role;
revoke truncate on public.message_templates, public.message_preferences, public.push_subscriptions,
  public.messages, public.message_deliveries, public.inbox_messages from authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Rendering and enqueueing
-- ---------------------------------------------------------------------------------------------

/* Replaces {placeholder}s with params; Persian text gets Persian digits in the values. */
create function private.render_template(p_text text, p_params jsonb, p_locale text) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  v_key text;
  v_value text;
  v_out text := p_text;
begin
  for v_key, v_value in select key, value from jsonb_each_text(p_params) loop
    if p_locale = 'fa' then
      v_value := translate(v_value, '0123456789', '۰۱۲۳۴۵۶۷۸۹');
    end if;
    v_out := replace(v_out, '{' || v_key || '}', coalesce(v_value, ''));
  end loop;
  return v_out;
end
$$;

/*
 * The end of the club's quiet hours if `p_at` falls inside them, else null. Quiet hours are
 * settings.quiet_hours = {"start": "22:00", "end": "08:00"} in the club's timezone.
 */
create function private.quiet_until(p_program_id uuid, p_at timestamptz) returns timestamptz
language plpgsql stable
set search_path = ''
as $$
declare
  v_program public.programs;
  v_start time;
  v_end time;
  v_local timestamp;
  v_until timestamp;
begin
  select * into v_program from public.programs where id = p_program_id;
  if coalesce(v_program.settings -> 'quiet_hours' ->> 'start', '') !~ '^\d\d:\d\d$'
    or coalesce(v_program.settings -> 'quiet_hours' ->> 'end', '') !~ '^\d\d:\d\d$' then
    return null;
  end if;
  v_start := (v_program.settings -> 'quiet_hours' ->> 'start')::time;
  v_end := (v_program.settings -> 'quiet_hours' ->> 'end')::time;
  v_local := p_at at time zone v_program.timezone;
  if v_start = v_end then
    return null;
  end if;
  if (v_start < v_end and v_local::time >= v_start and v_local::time < v_end)
    or (v_start > v_end and (v_local::time >= v_start or v_local::time < v_end)) then
    v_until := v_local::date + v_end;
    if v_until <= v_local then
      v_until := v_until + interval '1 day';
    end if;
    return v_until at time zone v_program.timezone;
  end if;
  return null;
end
$$;

/*
 * Queues a message to a member from the club's template `p_template`, in the member's language.
 * Idempotent by (club, p_dedupe_key): a second call returns the first message's id and changes
 * nothing. name, points and tier are filled in from the member unless `p_params` gives them.
 * Channels the member opted out of, and those with no way to reach them, are recorded as skipped.
 * The inbox copy is written now; SMS and push wait for the dispatcher (and for quiet hours to end).
 * Security definer, executable by the service role only: SQL features (the lottery, birthdays,
 * campaigns) call it from their own functions whoever their caller is.
 */
create function private.enqueue_message(
  p_program_id uuid, p_member_id uuid, p_template text, p_params jsonb, p_dedupe_key text
) returns uuid
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := now();
  v_member public.members;
  v_program public.programs;
  v_prefs public.message_preferences;
  v_template public.message_templates;
  v_params jsonb;
  v_id uuid;
  v_message public.messages;
  v_channel public.message_channel;
  v_status public.delivery_status;
  v_reason text;
  v_quiet timestamptz;
begin
  if p_dedupe_key is null or char_length(p_dedupe_key) not between 1 and 200 then
    perform private.fail('VAFA_INVALID_REQUEST', 'A message needs a dedupe key of 1 to 200 characters.');
  end if;
  if p_params is not null and jsonb_typeof(p_params) <> 'object' then
    perform private.fail('VAFA_INVALID_REQUEST', 'Message parameters are a JSON object.');
  end if;
  select id into v_id from public.messages where program_id = p_program_id and dedupe_key = p_dedupe_key;
  if v_id is not null then
    return v_id;
  end if;
  v_member := private.member(p_member_id, coalesce(p_program_id, '00000000-0000-0000-0000-000000000000'));
  select * into v_program from public.programs where id = p_program_id;
  select * into v_prefs from public.message_preferences where member_id = p_member_id;
  -- The member's language, else the club's, else whatever language the template exists in.
  select t.* into v_template from public.message_templates t
  where t.program_id = p_program_id and t.key = p_template
  order by t.locale = coalesce(v_prefs.locale, v_program.locale) desc, t.locale = v_program.locale desc, t.locale
  limit 1;
  if v_template.id is null then
    perform private.fail('VAFA_TEMPLATE_NOT_FOUND', format('The club has no message template "%s".', p_template));
  end if;
  v_params := jsonb_build_object(
    'name', coalesce(v_member.display_name, ''),
    'points', (select a.balance from public.accounts a where a.member_id = p_member_id and a.kind = 'points'),
    'tier', coalesce((select t.name from public.tiers t where t.id = v_member.tier_id), ''),
    'club', v_program.name
  ) || coalesce(p_params, '{}'::jsonb);

  insert into public.messages (program_id, member_id, template, params, dedupe_key, locale, title, body, created_at)
  values (p_program_id, p_member_id, p_template, coalesce(p_params, '{}'::jsonb), p_dedupe_key, v_template.locale,
    private.render_template(v_template.title, v_params, v_template.locale),
    private.render_template(v_template.body, v_params, v_template.locale), v_now)
  on conflict (program_id, dedupe_key) do nothing
  returning * into v_message;
  if v_message.id is null then
    -- A concurrent call with the same key won the insert; its message is the one.
    select id into v_id from public.messages where program_id = p_program_id and dedupe_key = p_dedupe_key;
    return v_id;
  end if;

  v_quiet := private.quiet_until(p_program_id, v_now);
  foreach v_channel in array v_template.channels loop
    v_status := 'pending';
    v_reason := null;
    if v_channel = any (coalesce(v_prefs.opted_out, '{}')) then
      v_status := 'skipped';
      v_reason := 'opted_out';
    elsif v_channel = 'sms' and not exists (
      select 1 from auth.users u where u.id = v_member.user_id and coalesce(u.phone, '') <> '') then
      v_status := 'skipped';
      v_reason := 'no_phone';
    elsif v_channel = 'push' and not exists (
      select 1 from public.push_subscriptions s where s.user_id = v_member.user_id) then
      v_status := 'skipped';
      v_reason := 'no_subscription';
    end if;
    if v_channel = 'inbox' and v_status = 'pending' then
      insert into public.inbox_messages (program_id, member_id, message_id, title, body, created_at)
      values (p_program_id, p_member_id, v_message.id, v_message.title, v_message.body, v_now);
      insert into public.message_deliveries (message_id, program_id, channel, status, attempts, provider, sent_at)
      values (v_message.id, p_program_id, 'inbox', 'sent', 1, 'inbox', v_now);
    else
      insert into public.message_deliveries (message_id, program_id, channel, status, not_before, last_error)
      values (v_message.id, p_program_id, v_channel, v_status,
        case when v_channel <> 'inbox' then coalesce(v_quiet, v_now) else v_now end, v_reason);
    end if;
  end loop;
  return v_message.id;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- The dispatcher's side of the state machine (service role only)
-- ---------------------------------------------------------------------------------------------

/*
 * Claims up to `p_limit` due SMS and push deliveries for `p_lease_seconds`. A delivery still in
 * quiet hours is deferred to their end instead. An expired lease means an earlier dispatcher may
 * have reached the provider: it is claimed again only for providers that deduplicate by
 * `p_idempotent_providers` (the same key is sent again), and otherwise set to `unknown`.
 * Returns what the dispatcher needs to send: the delivery, its text and its recipients.
 * `p_program_id` limits a pass to one club.
 */
create function public.claim_deliveries(
  p_limit int default 50, p_lease_seconds int default 60, p_idempotent_providers text[] default '{}',
  p_now timestamptz default null, p_program_id uuid default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_row record;
  v_quiet timestamptz;
  v_token uuid;
  v_out jsonb := '[]'::jsonb;
begin
  for v_row in
    select d.*, m.member_id, m.title, m.body, m.locale, mem.user_id
    from public.message_deliveries d
    join public.messages m on m.id = d.message_id
    join public.members mem on mem.id = m.member_id
    where d.channel in ('sms', 'push') and (p_program_id is null or d.program_id = p_program_id)
      and ((d.status = 'pending' and d.not_before <= v_now) or (d.status = 'sending' and d.lease_until <= v_now))
    order by d.not_before, d.id
    limit least(greatest(coalesce(p_limit, 50), 1), 500)
    for update of d skip locked
  loop
    -- A member who opted out while the message waited (quiet hours, retries) is not sent it.
    if v_row.channel = any (coalesce((select p.opted_out from public.message_preferences p
        where p.member_id = v_row.member_id), '{}')) then
      update public.message_deliveries set status = 'skipped', lease_token = null, lease_until = null,
        last_error = 'opted_out', updated_at = v_now
      where id = v_row.id;
      continue;
    end if;
    if v_row.status = 'sending' and not (v_row.provider = any (coalesce(p_idempotent_providers, '{}'))) then
      update public.message_deliveries set status = 'unknown', lease_token = null, lease_until = null,
        last_error = 'lease_expired: the provider may have accepted it; not sent again', updated_at = v_now
      where id = v_row.id;
      continue;
    end if;
    v_quiet := private.quiet_until(v_row.program_id, v_now);
    if v_quiet is not null then
      update public.message_deliveries set status = 'pending', not_before = v_quiet, lease_token = null,
        lease_until = null, updated_at = v_now
      where id = v_row.id;
      continue;
    end if;
    v_token := gen_random_uuid();
    update public.message_deliveries set status = 'sending', lease_token = v_token,
      lease_until = v_now + make_interval(secs => greatest(coalesce(p_lease_seconds, 60), 5)),
      attempts = attempts + 1, updated_at = v_now
    where id = v_row.id;
    v_out := v_out || jsonb_build_object(
      'id', v_row.id, 'lease_token', v_token, 'channel', v_row.channel, 'program_id', v_row.program_id,
      'member_id', v_row.member_id, 'attempt', v_row.attempts + 1, 'resumed', v_row.status = 'sending',
      'provider', v_row.provider, 'title', v_row.title, 'body', v_row.body, 'locale', v_row.locale,
      'sms_provider', (select p.settings -> 'messaging' ->> 'sms_provider' from public.programs p where p.id = v_row.program_id),
      'phone', case when v_row.channel = 'sms' then (select nullif(u.phone, '') from auth.users u where u.id = v_row.user_id) end,
      'subscriptions', case when v_row.channel = 'push' then coalesce((
        select jsonb_agg(jsonb_build_object('id', s.id, 'endpoint', s.endpoint, 'keys',
          jsonb_build_object('p256dh', s.p256dh, 'auth', s.auth)) order by s.created_at)
        from public.push_subscriptions s where s.user_id = v_row.user_id), '[]'::jsonb) end);
  end loop;
  return v_out;
end
$$;

/*
 * Records which provider a claimed delivery goes to, before the provider is called, so that a
 * lease that expires later is judged by that provider's idempotency.
 */
create function public.start_delivery(p_delivery_id uuid, p_lease_token uuid, p_provider text) returns boolean
language sql security definer
set search_path = ''
as $$
  with started as (
    update public.message_deliveries set provider = p_provider, updated_at = now()
    where id = p_delivery_id and lease_token = p_lease_token and status = 'sending'
    returning 1
  )
  select exists (select 1 from started)
$$;

/*
 * Ends a claimed delivery: `p_outcome` is sent (with the provider's reference), failed (a final
 * refusal), retry (the provider answered that it did not take it; tried again after
 * `p_retry_seconds`) or unknown (no trustworthy answer from a provider that cannot drop repeats). Only the holder of the current lease may end it, so a dispatcher whose lease
 * expired cannot overwrite the one that took over. Returns whether it was recorded.
 */
create function public.complete_delivery(
  p_delivery_id uuid, p_lease_token uuid, p_outcome text, p_provider text default null,
  p_provider_ref text default null, p_error text default null, p_retry_seconds int default 60,
  p_now timestamptz default null
) returns boolean
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
begin
  if p_outcome is null or p_outcome not in ('sent', 'failed', 'retry', 'unknown') then
    perform private.fail('VAFA_INVALID_REQUEST', 'A delivery ends as sent, failed, retry or unknown.');
  end if;
  update public.message_deliveries set
    status = case p_outcome when 'sent' then 'sent'::public.delivery_status
      when 'failed' then 'failed' when 'unknown' then 'unknown' else 'pending' end,
    provider = coalesce(p_provider, provider),
    provider_ref = coalesce(p_provider_ref, provider_ref),
    last_error = left(p_error, 500),
    sent_at = case when p_outcome = 'sent' then v_now end,
    not_before = case when p_outcome = 'retry'
      then v_now + make_interval(secs => least(greatest(coalesce(p_retry_seconds, 60), 1), 86400)) else not_before end,
    lease_token = null, lease_until = null, updated_at = v_now
  where id = p_delivery_id and lease_token = p_lease_token and status = 'sending';
  return found;
end
$$;

/* A push endpoint the push service says is gone (404/410) is forgotten. */
create function public.forget_push_subscription(p_subscription_id uuid) returns boolean
language sql security definer
set search_path = ''
as $$
  with gone as (delete from public.push_subscriptions where id = p_subscription_id returning 1)
  select exists (select 1 from gone)
$$;

/* A manager sends an `unknown` or `failed` delivery again, having checked it did not arrive. */
create function public.retry_delivery(p_delivery_id uuid) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_delivery public.message_deliveries;
begin
  select * into v_delivery from public.message_deliveries where id = p_delivery_id for update;
  if v_delivery.id is null or not (private.is_trusted() or private.is_staff(v_delivery.program_id, 'manager')) then
    perform private.fail('VAFA_DELIVERY_NOT_FOUND', 'No such delivery in a club you manage.');
  end if;
  if v_delivery.status not in ('unknown', 'failed') then
    perform private.fail('VAFA_DELIVERY_NOT_RETRYABLE', 'Only a failed delivery, or one whose fate is unknown, can be sent again.');
  end if;
  update public.message_deliveries set status = 'pending', not_before = now(), last_error = null,
    provider = null, updated_at = now()
  where id = p_delivery_id;
  perform private.audit(v_delivery.program_id, 'message.retry', 'message_deliveries', p_delivery_id::text,
    jsonb_build_object('was', v_delivery.status));
  return jsonb_build_object('id', p_delivery_id, 'status', 'pending');
end
$$;

/* A member opts out of channels (or back in) and picks the language of their messages. */
create function public.set_message_preferences(
  p_member_id uuid, p_opted_out public.message_channel[], p_locale text default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_member public.members;
  v_prefs public.message_preferences;
begin
  select * into v_member from public.members where id = p_member_id and user_id = auth.uid();
  if v_member.id is null then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No such membership of yours.');
  end if;
  if p_opted_out is null or array_position(p_opted_out, null) is not null
    or (p_locale is not null and p_locale not in ('fa', 'he', 'en')) then
    perform private.fail('VAFA_INVALID_REQUEST', 'Send the channels to opt out of (inbox, sms, push) and a language of fa, he or en.');
  end if;
  insert into public.message_preferences (member_id, program_id, opted_out, locale)
  values (p_member_id, v_member.program_id, (select coalesce(array_agg(distinct c order by c), '{}') from unnest(p_opted_out) c), p_locale)
  on conflict (member_id) do update set opted_out = excluded.opted_out, locale = excluded.locale, updated_at = now()
  returning * into v_prefs;
  return jsonb_build_object('member_id', p_member_id, 'opted_out', to_jsonb(v_prefs.opted_out), 'locale', v_prefs.locale);
end
$$;

/* The caller's unread inbox messages, per club and in all. */
create function public.my_unread_count() returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select jsonb_build_object('total', coalesce(sum(per.n), 0),
    'by_program', coalesce(jsonb_object_agg(per.program_id, per.n), '{}'::jsonb))
  from (
    select i.program_id, count(*) as n from public.inbox_messages i
    join public.members m on m.id = i.member_id
    where m.user_id = (select auth.uid()) and i.read_at is null
    group by i.program_id
  ) per
$$;

revoke execute on all functions in schema private from public, anon, authenticated;
grant execute on function private.is_staff(uuid, public.staff_role), private.owns_member(uuid),
  private.staff_role_in(uuid), private.is_member_of(uuid) to authenticated, service_role;
grant execute on function private.enqueue_message(uuid, uuid, text, jsonb, text) to service_role;

revoke execute on function public.claim_deliveries(int, int, text[], timestamptz, uuid),
  public.start_delivery(uuid, uuid, text),
  public.complete_delivery(uuid, uuid, text, text, text, text, int, timestamptz),
  public.forget_push_subscription(uuid), public.retry_delivery(uuid), public.my_unread_count(),
  public.set_message_preferences(uuid, public.message_channel[], text)
  from public, anon, authenticated;
grant execute on function public.claim_deliveries(int, int, text[], timestamptz, uuid),
  public.start_delivery(uuid, uuid, text),
  public.complete_delivery(uuid, uuid, text, text, text, text, int, timestamptz),
  public.forget_push_subscription(uuid) to service_role;
grant execute on function public.retry_delivery(uuid), public.my_unread_count(),
  public.set_message_preferences(uuid, public.message_channel[], text) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Birthdays: the `birthdays` edge function decides who is in their window today with the rules
-- engine's calendar (supabase/functions/_shared/rules/calendar.ts: Jalali for fa clubs, Esfand 30
-- and Feb 29 falling back to the day before in years without them); the database gives the gift
-- once per member and birthday year. Settings: settings.birthday = {enabled, window, points}.
-- ---------------------------------------------------------------------------------------------
create table public.birthday_grants (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null,
  member_id uuid not null,
  year int not null check (year between 1300 and 2200),
  calendar text not null check (calendar in ('gregorian', 'jalali')),
  points bigint not null default 0 check (points >= 0),
  message_id uuid references public.messages (id) on delete set null,
  granted_at timestamptz not null default now(),
  unique (member_id, year),
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade
);
create index birthday_grants_program_member_idx on public.birthday_grants (program_id, member_id);
create index birthday_grants_message_id_idx on public.birthday_grants (message_id);
create index birthday_grants_program_granted_idx on public.birthday_grants (program_id, granted_at desc);
alter table public.birthday_grants enable row level security;

create policy "Members read their birthday gifts and managers their club's" on public.birthday_grants
  for select to authenticated
  using ((select private.owns_member(member_id)) or (select private.is_staff(program_id, 'manager')));
revoke all on public.birthday_grants from anon, authenticated;
grant select on public.birthday_grants to authenticated;
revoke insert, update, delete, truncate on public.birthday_grants from service_role;

/* The clubs that give birthday gifts, and their members with a birthday (for the job). */
create function public.birthday_candidates() returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
    'program_id', p.id, 'timezone', p.timezone,
    'calendar', case when p.locale = 'fa' then 'jalali' else 'gregorian' end,
    'window', coalesce(p.settings -> 'birthday' ->> 'window', 'day'),
    'members', (select coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'birthday', m.birthday,
        'last_year', (select max(g.year) from public.birthday_grants g where g.member_id = m.id))), '[]'::jsonb)
      from public.members m where m.program_id = p.id and m.birthday is not null)
  ) order by p.id), '[]'::jsonb)
  from public.programs p
  where coalesce(p.settings -> 'birthday' ->> 'enabled', 'false') = 'true'
$$;

/*
 * Gives a member the club's birthday gift for birthday year `p_year` (the calendar year of the
 * birthday the job found today in its window): the points of settings.birthday.points and the
 * `birthday` template's greeting. Once per member and year: a second call returns granted=false.
 */
create function public.grant_birthday(p_member_id uuid, p_year int, p_now timestamptz default null) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_member public.members;
  v_program public.programs;
  v_grant public.birthday_grants;
  v_points bigint;
  v_op record;
  v_message uuid;
  v_key text := 'birthday:' || p_member_id || ':' || p_year;
begin
  v_member := private.member(p_member_id);
  select * into v_program from public.programs where id = v_member.program_id;
  if v_member.birthday is null or coalesce(v_program.settings -> 'birthday' ->> 'enabled', 'false') <> 'true' then
    perform private.fail('VAFA_BIRTHDAY_NOT_DUE', 'This member has no birthday gift to receive from this club.');
  end if;
  if p_year is null or p_year not between 1300 and 2200 then
    perform private.fail('VAFA_INVALID_REQUEST', 'A birthday year is a year of the club''s calendar.');
  end if;
  v_points := greatest(coalesce(nullif(v_program.settings -> 'birthday' ->> 'points', '')::bigint, 0), 0);
  insert into public.birthday_grants (program_id, member_id, year, calendar, points, granted_at)
  values (v_member.program_id, p_member_id, p_year,
    case when v_program.locale = 'fa' then 'jalali' else 'gregorian' end, v_points, v_now)
  on conflict (member_id, year) do nothing
  returning * into v_grant;
  if v_grant.id is null then
    return jsonb_build_object('granted', false, 'member_id', p_member_id, 'year', p_year);
  end if;
  if v_points > 0 then
    -- Accounts before the member row: the order every ledger operation locks them in.
    select * into v_op from private.begin_op(v_member.program_id, v_key, 'birthday',
      jsonb_build_object('member', p_member_id, 'year', p_year, 'points', v_points));
    perform private.post(v_member, 'points', 'earn', v_points, 'rule.birthday',
      jsonb_build_object('year', p_year), v_op.op_id, v_now,
      p_expires_at => private.points_expiry(v_member.program_id, v_now));
    perform private.finish_op(v_op.op_id, jsonb_build_object('points', v_points));
    perform private.recompute_tier(p_member_id, v_now);
  end if;
  if exists (select 1 from public.message_templates t where t.program_id = v_member.program_id and t.key = 'birthday') then
    v_message := private.enqueue_message(v_member.program_id, p_member_id, 'birthday',
      jsonb_build_object('gift', v_points), v_key);
    update public.birthday_grants set message_id = v_message where id = v_grant.id;
  end if;
  return jsonb_build_object('granted', true, 'member_id', p_member_id, 'year', p_year, 'points', v_points,
    'message_id', v_message);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Win-back campaigns: a segment by days since the last visit, a random control group that gets
-- nothing (recorded per member, reproducible from the campaign's seed), and the report.
-- ---------------------------------------------------------------------------------------------
create type public.campaign_status as enum ('draft', 'scheduled', 'sent');

create table public.campaigns (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 120),
  template text not null check (template ~ '^[a-z][a-z0-9_]{1,40}$'),
  min_days_inactive int not null check (min_days_inactive between 1 and 3650),
  max_days_inactive int check (max_days_inactive between 1 and 3650),
  control_percent int not null default 20 check (control_percent between 0 and 90),
  offer_points bigint not null default 0 check (offer_points between 0 and 1000000),
  measure_days int not null default 30 check (measure_days between 1 and 365),
  -- Who is held back follows from this seed, so the split can be recomputed and checked.
  seed text not null default encode(extensions.gen_random_bytes(16), 'hex'),
  status public.campaign_status not null default 'draft',
  scheduled_for timestamptz,
  launched_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  check (max_days_inactive is null or max_days_inactive > min_days_inactive),
  check ((status = 'scheduled') <= (scheduled_for is not null)),
  check ((status = 'sent') = (launched_at is not null))
);
create index campaigns_program_id_idx on public.campaigns (program_id, created_at desc);
create index campaigns_due_idx on public.campaigns (scheduled_for) where status = 'scheduled';
create index campaigns_created_by_idx on public.campaigns (created_by);
alter table public.campaigns enable row level security;

create table public.campaign_members (
  campaign_id uuid not null references public.campaigns (id) on delete cascade,
  program_id uuid not null,
  member_id uuid not null,
  control boolean not null,
  message_id uuid references public.messages (id) on delete set null,
  primary key (campaign_id, member_id),
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade
);
create index campaign_members_program_member_idx on public.campaign_members (program_id, member_id);
create index campaign_members_message_id_idx on public.campaign_members (message_id);
alter table public.campaign_members enable row level security;

create policy "Managers read their club's campaigns" on public.campaigns
  for select to authenticated using ((select private.is_staff(program_id, 'manager')));
create policy "Managers plan campaigns" on public.campaigns
  for insert to authenticated
  with check ((select private.is_staff(program_id, 'manager')) and status <> 'sent');
create policy "Managers edit campaigns not yet sent" on public.campaigns
  for update to authenticated
  using ((select private.is_staff(program_id, 'manager')) and status <> 'sent')
  with check ((select private.is_staff(program_id, 'manager')) and status <> 'sent');
create policy "Managers delete campaigns not yet sent" on public.campaigns
  for delete to authenticated
  using ((select private.is_staff(program_id, 'manager')) and status <> 'sent');

create policy "Managers read who each campaign reached and held back" on public.campaign_members
  for select to authenticated using ((select private.is_staff(program_id, 'manager')));

revoke all on public.campaigns, public.campaign_members from anon, authenticated;
grant select, delete on public.campaigns, public.campaign_members to authenticated;
revoke delete on public.campaign_members from authenticated;
grant insert (program_id, name, template, min_days_inactive, max_days_inactive, control_percent, offer_points,
  measure_days, status, scheduled_for) on public.campaigns to authenticated;
grant update (name, template, min_days_inactive, max_days_inactive, control_percent, offer_points,
  measure_days, status, scheduled_for) on public.campaigns to authenticated;
revoke insert, update, delete, truncate on public.campaign_members from service_role;
revoke truncate on public.campaigns from authenticated, service_role;

/* Whether a member is held back from a campaign: a hash of the seed and the member, so reproducible. */
create function private.in_control(p_seed text, p_member_id uuid, p_percent int) returns boolean
language sql immutable
set search_path = ''
as $$
  select (('x' || substr(md5(p_seed || ':' || p_member_id::text), 1, 8))::bit(32)::bigint % 100) < p_percent
$$;

/*
 * Sends a campaign: takes the segment (no visit for at least min_days_inactive days and, if given,
 * at most max_days_inactive), records every member with whether they are held back, and sends the
 * others the template (and the offer points). Runs once: a sent campaign is not sent again.
 */
create function private.launch_campaign(p_campaign_id uuid, p_now timestamptz) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_campaign public.campaigns;
  v_member public.members;
  v_control boolean;
  v_message uuid;
  v_op record;
  v_key text;
  v_targets int := 0;
  v_held int := 0;
begin
  select * into v_campaign from public.campaigns where id = p_campaign_id for update;
  if v_campaign.status = 'sent' then
    return jsonb_build_object('campaign_id', p_campaign_id, 'status', 'sent', 'already', true);
  end if;
  if not exists (select 1 from public.message_templates t
      where t.program_id = v_campaign.program_id and t.key = v_campaign.template) then
    perform private.fail('VAFA_TEMPLATE_NOT_FOUND', format('The club has no message template "%s".', v_campaign.template));
  end if;
  for v_member in
    select m.* from public.members m
    where m.program_id = v_campaign.program_id
      and m.last_activity_at <= p_now - make_interval(days => v_campaign.min_days_inactive)
      and (v_campaign.max_days_inactive is null
        or m.last_activity_at > p_now - make_interval(days => v_campaign.max_days_inactive))
    order by m.id
  loop
    v_control := private.in_control(v_campaign.seed, v_member.id, v_campaign.control_percent);
    v_message := null;
    if v_control then
      v_held := v_held + 1;
    else
      v_targets := v_targets + 1;
      v_key := 'campaign:' || p_campaign_id || ':' || v_member.id;
      if v_campaign.offer_points > 0 then
        select * into v_op from private.begin_op(v_campaign.program_id, v_key, 'campaign_offer',
          jsonb_build_object('campaign', p_campaign_id, 'member', v_member.id, 'points', v_campaign.offer_points));
        perform private.post(v_member, 'points', 'earn', v_campaign.offer_points, 'rule.campaign',
          jsonb_build_object('name', v_campaign.name, 'campaign_id', p_campaign_id), v_op.op_id, p_now,
          p_expires_at => private.points_expiry(v_campaign.program_id, p_now));
        perform private.finish_op(v_op.op_id, jsonb_build_object('points', v_campaign.offer_points));
      end if;
      v_message := private.enqueue_message(v_campaign.program_id, v_member.id, v_campaign.template,
        jsonb_build_object('offer', v_campaign.offer_points), v_key);
    end if;
    insert into public.campaign_members (campaign_id, program_id, member_id, control, message_id)
    values (p_campaign_id, v_campaign.program_id, v_member.id, v_control, v_message);
  end loop;
  update public.campaigns set status = 'sent', launched_at = p_now where id = p_campaign_id;
  perform private.audit(v_campaign.program_id, 'campaign.launch', 'campaigns', p_campaign_id::text,
    jsonb_build_object('targeted', v_targets, 'held_back', v_held));
  return jsonb_build_object('campaign_id', p_campaign_id, 'status', 'sent', 'targeted', v_targets, 'held_back', v_held);
end
$$;

/* A manager sends a campaign now. */
create function public.launch_campaign(p_campaign_id uuid, p_now timestamptz default null) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_program uuid;
begin
  select program_id into v_program from public.campaigns where id = p_campaign_id;
  if v_program is null or not (private.is_trusted() or private.is_staff(v_program, 'manager')) then
    perform private.fail('VAFA_CAMPAIGN_NOT_FOUND', 'No such campaign in a club you manage.');
  end if;
  return private.launch_campaign(p_campaign_id, private.clock(p_now));
end
$$;

/* The win-back job: sends every scheduled campaign whose time has come. */
create function public.run_winback(p_now timestamptz default null) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_id uuid;
  v_sent jsonb := '[]'::jsonb;
begin
  for v_id in select c.id from public.campaigns c where c.status = 'scheduled' and c.scheduled_for <= v_now
    order by c.scheduled_for, c.id
  loop
    v_sent := v_sent || private.launch_campaign(v_id, v_now);
  end loop;
  return jsonb_build_object('launched', v_sent);
end
$$;

/*
 * What a sent campaign did: for the targeted and the control group, members, visits and revenue
 * (net of refunds) from the launch to the end of the measuring window (or now), and the points
 * they hold now; the lift is the targeted group's total minus what it would have done at the
 * control group's rate per member.
 */
create function public.campaign_report(p_campaign_id uuid, p_now timestamptz default null) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_campaign public.campaigns;
  v_until timestamptz;
  v_groups jsonb;
  v_t jsonb;
  v_c jsonb;
begin
  select * into v_campaign from public.campaigns where id = p_campaign_id;
  if v_campaign.id is null or not (private.is_trusted() or private.is_staff(v_campaign.program_id, 'manager')) then
    perform private.fail('VAFA_CAMPAIGN_NOT_FOUND', 'No such campaign in a club you manage.');
  end if;
  if v_campaign.status <> 'sent' then
    return jsonb_build_object('campaign_id', p_campaign_id, 'status', v_campaign.status);
  end if;
  v_until := least(private.clock(p_now), v_campaign.launched_at + make_interval(days => v_campaign.measure_days));
  select jsonb_object_agg(case when g.control then 'control' else 'targeted' end, jsonb_build_object(
      'members', g.members, 'visits', g.visits, 'revenue', g.revenue, 'points_liability', g.points))
  into v_groups
  from (
    select cm.control, count(*) as members,
      coalesce(sum(pv.visits), 0) as visits, coalesce(sum(pv.revenue), 0) as revenue,
      coalesce(sum(a.balance), 0) as points
    from public.campaign_members cm
    left join public.accounts a on a.member_id = cm.member_id and a.kind = 'points'
    left join lateral (
      select count(*) as visits, sum(p.amount - p.refunded_amount) as revenue
      from public.purchases p
      where p.member_id = cm.member_id and p.occurred_at > v_campaign.launched_at and p.occurred_at <= v_until
    ) pv on true
    where cm.campaign_id = p_campaign_id
    group by cm.control
  ) g;
  v_t := coalesce(v_groups -> 'targeted', '{"members":0,"visits":0,"revenue":0,"points_liability":0}');
  v_c := coalesce(v_groups -> 'control', '{"members":0,"visits":0,"revenue":0,"points_liability":0}');
  return jsonb_build_object(
    'campaign_id', p_campaign_id, 'status', 'sent', 'from', v_campaign.launched_at, 'until', v_until,
    'targeted', v_t, 'control', v_c,
    'extra_visits', case when (v_c ->> 'members')::int > 0 then round(
      (v_t ->> 'visits')::numeric - (v_c ->> 'visits')::numeric * (v_t ->> 'members')::numeric / (v_c ->> 'members')::numeric, 2) end,
    'extra_revenue', case when (v_c ->> 'members')::int > 0 then round(
      (v_t ->> 'revenue')::numeric - (v_c ->> 'revenue')::numeric * (v_t ->> 'members')::numeric / (v_c ->> 'members')::numeric, 2) end,
    'offer_points', v_campaign.offer_points * (v_t ->> 'members')::bigint,
    'club_points_liability', (select coalesce(sum(a.balance), 0) from public.accounts a
      where a.program_id = v_campaign.program_id and a.kind = 'points')
  );
end
$$;

/* A segment's size before sending: members with no visit for the given number of days. */
create function public.segment_size(
  p_program_id uuid, p_min_days int, p_max_days int default null, p_now timestamptz default null
) returns int
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_staff(p_program_id, 'manager');
  return (select count(*) from public.members m where m.program_id = p_program_id
    and m.last_activity_at <= private.clock(p_now) - make_interval(days => greatest(p_min_days, 0))
    and (p_max_days is null or m.last_activity_at > private.clock(p_now) - make_interval(days => p_max_days)));
end
$$;

/* The tier job: every member's tier recomputed (grace periods run out even without a purchase). */
create function public.recompute_tiers(p_now timestamptz default null) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_id uuid;
  v_result jsonb;
  v_changed int := 0;
  v_seen int := 0;
begin
  for v_id in select m.id from public.members m order by m.id loop
    v_result := private.recompute_tier(v_id, v_now);
    v_seen := v_seen + 1;
    if v_result ->> 'before' is distinct from v_result ->> 'after' then
      v_changed := v_changed + 1;
    end if;
  end loop;
  return jsonb_build_object('members', v_seen, 'changed', v_changed);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Scheduled jobs, declared once in private.jobs. On Supabase pg_cron runs private.run_job(name)
-- on each schedule (the trigger below keeps cron in step with the table); here the local stack's
-- scheduler (supabase/local/scheduler.js) reads the same rows. A job is either an `rpc`, a public
-- SQL function `public.<target>(p_now timestamptz)`, or a `function`, the edge function
-- POST /functions/v1/<target> called with the service role (pg_net on Supabase, with the project
-- URL and service role key from Vault secrets `project_url` and `service_role_key`).
-- Adding a job is one line in a migration:
--   insert into private.jobs (name, schedule, kind, target) values ('draws', '*/5 * * * *', 'rpc', 'run_draws');
-- ---------------------------------------------------------------------------------------------
create table private.jobs (
  name text primary key check (name ~ '^[a-z][a-z0-9_-]{1,40}$'),
  schedule text not null check (schedule ~ '^\S+ \S+ \S+ \S+ \S+$'),
  kind text not null check (kind in ('rpc', 'function')),
  target text not null check (target ~ '^[a-z][a-z0-9_-]{1,62}$'),
  enabled boolean not null default true
);
alter table private.jobs enable row level security;

-- One row per job and scheduled minute: a second scheduler for the same minute finds it taken.
create table private.job_runs (
  job text not null references private.jobs (name) on delete cascade,
  scheduled_for timestamptz not null,
  started_at timestamptz not null default clock_timestamp(),
  finished_at timestamptz,
  ok boolean,
  result jsonb,
  primary key (job, scheduled_for)
);
alter table private.job_runs enable row level security;
revoke all on private.jobs, private.job_runs from public, anon, authenticated, service_role;

/* Runs a declared job now (pg_cron's command on Supabase). */
create function private.run_job(p_name text) returns void
language plpgsql
set search_path = ''
as $$
declare
  v_job private.jobs;
  v_slot timestamptz := date_trunc('minute', now());
  v_result jsonb;
begin
  select * into v_job from private.jobs where name = p_name and enabled;
  if v_job.name is null then
    return;
  end if;
  insert into private.job_runs (job, scheduled_for) values (p_name, v_slot) on conflict do nothing;
  if not found then
    return;
  end if;
  if v_job.kind = 'rpc' then
    execute format('select to_jsonb(public.%I(p_now => $1))', v_job.target) into v_result using v_slot;
  else
    execute $sql$
      select to_jsonb(net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/' || $1,
        headers := jsonb_build_object('content-type', 'application/json', 'authorization',
          'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')),
        body := jsonb_build_object('now', $2)))
    $sql$ into v_result using v_job.target, v_slot;
  end if;
  update private.job_runs set finished_at = clock_timestamp(), ok = true, result = v_result
  where job = p_name and scheduled_for = v_slot;
end
$$;

/* Keeps pg_cron's schedule in step with private.jobs, where pg_cron exists (Supabase). */
create function private.sync_cron() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not exists (select 1 from pg_extension where extname = 'pg_cron') then
    return null;
  end if;
  if tg_op = 'DELETE' or (tg_op = 'UPDATE' and not new.enabled) then
    execute 'select cron.unschedule(jobid) from cron.job where jobname = $1' using 'vafa-' || old.name;
  end if;
  if tg_op <> 'DELETE' and new.enabled then
    execute 'select cron.schedule($1, $2, $3)'
      using 'vafa-' || new.name, new.schedule, format('select private.run_job(%L)', new.name);
  end if;
  return null;
end
$$;
create trigger jobs_sync_cron after insert or update or delete on private.jobs
  for each row execute function private.sync_cron();

-- On Supabase the extensions are available: create them so the jobs below are scheduled.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_cron') then
    create extension if not exists pg_cron;
  end if;
  if exists (select 1 from pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_net with schema extensions;
  end if;
end
$$;

insert into private.jobs (name, schedule, kind, target) values
  ('dispatch', '* * * * *', 'function', 'dispatch'),
  ('birthdays', '5 * * * *', 'function', 'birthdays'),
  ('expire-points', '20 0 * * *', 'rpc', 'expire_points'),
  ('tiers', '40 0 * * *', 'rpc', 'recompute_tiers'),
  ('winback', '*/15 * * * *', 'rpc', 'run_winback');

revoke execute on all functions in schema private from public, anon, authenticated;
grant execute on function private.is_staff(uuid, public.staff_role), private.owns_member(uuid),
  private.staff_role_in(uuid), private.is_member_of(uuid) to authenticated, service_role;
grant execute on function private.enqueue_message(uuid, uuid, text, jsonb, text) to service_role;

revoke execute on function public.birthday_candidates(), public.grant_birthday(uuid, int, timestamptz),
  public.launch_campaign(uuid, timestamptz), public.run_winback(timestamptz),
  public.campaign_report(uuid, timestamptz), public.segment_size(uuid, int, int, timestamptz),
  public.recompute_tiers(timestamptz)
  from public, anon, authenticated;
grant execute on function public.birthday_candidates(), public.grant_birthday(uuid, int, timestamptz),
  public.run_winback(timestamptz), public.recompute_tiers(timestamptz) to service_role;
grant execute on function public.launch_campaign(uuid, timestamptz), public.campaign_report(uuid, timestamptz),
  public.segment_size(uuid, int, int, timestamptz) to authenticated, service_role;
