-- Wires referrals and draws (20261123000750) to the messaging outbox (20261123000700), and
-- schedules draws and the analytics rollup (20261123000620) with the other jobs.

/*
 * The template a notice is sent with: its name with `_` for `.` (`lottery.won` → `lottery_won`), as
 * template keys are plain identifiers.
 */
create function private.notice_template(p_notice text) returns text
language sql immutable
set search_path = ''
as $$ select replace(p_notice, '.', '_') $$;

/*
 * A notice a feature owes a member: recorded once per dedupe key (the log of what was owed), and
 * queued through private.enqueue_message when the club has a template for it. A club without the
 * template keeps the notice recorded but sends nothing, as a club chooses which messages it sends.
 * A refusal by the outbox (a VAFA_ error) never undoes the join, purchase or draw that owed it.
 */
create or replace function private.engagement_notify(
  p_program_id uuid, p_member_id uuid, p_template text, p_params jsonb, p_dedupe_key text
) returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into private.engagement_notices (program_id, member_id, template, params, dedupe_key)
  values (p_program_id, p_member_id, p_template, coalesce(p_params, '{}'::jsonb), p_dedupe_key)
  on conflict (dedupe_key) do nothing;
  if not exists (
    select 1 from public.message_templates t
    where t.program_id = p_program_id and t.key = private.notice_template(p_template)
  ) then
    return;
  end if;
  begin
    perform private.enqueue_message(p_program_id, p_member_id, private.notice_template(p_template),
      p_params, p_dedupe_key);
  exception when sqlstate 'P0001' then
    raise warning 'engagement notice % not queued: %', p_dedupe_key, sqlerrm;
  end;
end
$$;

revoke execute on function private.engagement_notify(uuid, uuid, text, jsonb, text),
  private.notice_template(text) from public, anon, authenticated;

-- Notices recorded before this migration, for clubs that have the template.
select private.enqueue_message(n.program_id, n.member_id, private.notice_template(n.template), n.params,
  n.dedupe_key)
from private.engagement_notices n
where exists (
  select 1 from public.message_templates t
  where t.program_id = n.program_id and t.key = private.notice_template(n.template)
)
order by n.id;

-- Due draws every five minutes, like every other job (pg_cron on Supabase, the local scheduler here).
insert into private.jobs (name, schedule, kind, target)
values ('draws', '*/5 * * * *', 'rpc', 'run_due_draws');

/*
 * Renders a template. Only numbers are written in Persian digits for fa: a prize or redemption
 * code, a name or any other text stays as it is, since a code is typed at the counter as shown.
 */
create or replace function private.render_template(p_text text, p_params jsonb, p_locale text) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  v_key text;
  v_value jsonb;
  v_text text;
  v_out text := p_text;
begin
  for v_key, v_value in select key, value from jsonb_each(p_params) loop
    v_text := v_value #>> '{}';
    if p_locale = 'fa' and jsonb_typeof(v_value) = 'number' then
      v_text := translate(v_text, '0123456789', '۰۱۲۳۴۵۶۷۸۹');
    end if;
    v_out := replace(v_out, '{' || v_key || '}', coalesce(v_text, ''));
  end loop;
  return v_out;
end
$$;

-- The nightly analytics rollup (20261123000620) with the other jobs: 00:30 UTC, after Tehran's and
-- Jerusalem's midnights.
insert into private.jobs (name, schedule, kind, target)
values ('analytics', '30 0 * * *', 'rpc', 'refresh_analytics');
