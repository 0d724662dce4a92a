-- Demo data: the club `cafe-vafa` with a customer, a cashier and an owner. Each signs in by phone
-- with the test OTP 123456 ([auth.sms.test_otp] in config.toml). Safe to run on a fresh database only.

insert into auth.users (
  instance_id, id, aud, role, phone, phone_confirmed_at, raw_app_meta_data, raw_user_meta_data,
  created_at, updated_at, is_anonymous
) values
  ('00000000-0000-0000-0000-000000000000', '11111111-1111-4111-8111-000000000001', 'authenticated',
   'authenticated', '989120000001', now(), '{"provider":"phone","providers":["phone"]}',
   '{"display_name":"سارا"}', now(), now(), false),
  ('00000000-0000-0000-0000-000000000000', '11111111-1111-4111-8111-000000000002', 'authenticated',
   'authenticated', '989120000002', now(), '{"provider":"phone","providers":["phone"]}',
   '{"display_name":"رضا"}', now(), now(), false),
  ('00000000-0000-0000-0000-000000000000', '11111111-1111-4111-8111-000000000003', 'authenticated',
   'authenticated', '989120000003', now(), '{"provider":"phone","providers":["phone"]}',
   '{"display_name":"مریم"}', now(), now(), false);

insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
select u.id::text, u.id,
  jsonb_build_object('sub', u.id::text, 'phone', u.phone, 'phone_verified', true), 'phone', now(), now()
from auth.users u
where u.id in ('11111111-1111-4111-8111-000000000001', '11111111-1111-4111-8111-000000000002',
  '11111111-1111-4111-8111-000000000003');

insert into public.programs (id, slug, name, currency, locale, timezone, branding) values
  ('22222222-2222-4222-8222-000000000001', 'cafe-vafa', 'کافه وفا', 'IRR', 'fa', 'Asia/Tehran',
   '{"primary":"#7c2d12","accent":"#f59e0b"}');

insert into public.program_staff (program_id, user_id, role) values
  ('22222222-2222-4222-8222-000000000001', '11111111-1111-4111-8111-000000000002', 'cashier'),
  ('22222222-2222-4222-8222-000000000001', '11111111-1111-4111-8111-000000000003', 'owner');

insert into public.members (program_id, user_id, member_number, display_name, joined_at) values
  ('22222222-2222-4222-8222-000000000001', '11111111-1111-4111-8111-000000000001', 1001, 'سارا',
   now() - interval '60 days');

-- Tiers, rewards and the first rule version of cafe-vafa; the next joiner gets the next number.
update public.programs
set settings = '{"points_expiry_days": 365, "adjustment_approval_threshold": 1000}',
  next_member_number = 1002
where id = '22222222-2222-4222-8222-000000000001';

insert into public.tiers (id, program_id, rank, name, threshold, window_days, multiplier, benefits, downgrade_grace_days) values
  ('33333333-3333-4333-8333-000000000000', '22222222-2222-4222-8222-000000000001', 0, 'برنزی', 0, 365, 1.00,
   '["یک امتیاز برای هر ۱۰ هزار تومان"]', 0),
  ('33333333-3333-4333-8333-000000000001', '22222222-2222-4222-8222-000000000001', 1, 'نقره‌ای', 500, 365, 1.25,
   '["۲۵٪ امتیاز بیشتر", "قهوهٔ روز تولد"]', 30),
  ('33333333-3333-4333-8333-000000000002', '22222222-2222-4222-8222-000000000001', 2, 'طلایی', 2000, 365, 1.50,
   '["۵۰٪ امتیاز بیشتر", "برانچ رایگان فصلی"]', 60);

update public.members set tier_id = '33333333-3333-4333-8333-000000000000', tier_since = joined_at
where program_id = '22222222-2222-4222-8222-000000000001' and tier_id is null;

insert into public.rewards (program_id, name, description, points_cost, min_tier_rank, stock, per_member_limit) values
  ('22222222-2222-4222-8222-000000000001', 'اسپرسو', 'یک اسپرسوی تک یا دبل', 100, 0, null, null),
  ('22222222-2222-4222-8222-000000000001', 'کیک روز', 'یک برش از کیک روز', 250, 0, 40, null),
  ('22222222-2222-4222-8222-000000000001', 'برانچ دونفره', 'برانچ کامل برای دو نفر', 800, 2, 10, 1);

insert into public.earning_rules (program_id, version, rules, effective_from) values
  ('22222222-2222-4222-8222-000000000001', 1,
   '{"base": {"points": 1, "per": 100000, "rounding": "floor"},
     "categories": {"beans": 2},
     "tier_multiplier": true,
     "first_purchase": {"points": 50},
     "birthday": {"points": 100, "window": "month"},
     "referral": {"referee_points": 30, "referrer_points": 30},
     "campaigns": [{"id": "nowruz-1406", "name": "نوروز ۱۴۰۶", "from": "2027-03-21", "to": "2027-04-02", "multiplier": 2}],
     "caps": {"per_purchase": 1000, "per_day": 2000}}', now());

-- Sara's history, through the same function the checkout uses, so the ledger adds up.
select public.record_purchase('22222222-2222-4222-8222-000000000001', m.id, p.amount, p.accrual, p.key,
  '[]'::jsonb, null, 1, '11111111-1111-4111-8111-000000000002', now() - p.ago)
from public.members m,
  (values
    (1500000::bigint, '[{"points": 15, "reason_key": "rule.base", "reason_params": {"per": 100000}}, {"points": 50, "reason_key": "rule.first_purchase"}]'::jsonb, 'seed-sara-1', interval '40 days'),
    (4200000::bigint, '[{"points": 42, "reason_key": "rule.base", "reason_params": {"per": 100000}}]'::jsonb, 'seed-sara-2', interval '12 days'),
    (9800000::bigint, '[{"points": 98, "reason_key": "rule.base", "reason_params": {"per": 100000}}]'::jsonb, 'seed-sara-3', interval '2 days')
  ) as p(amount, accrual, key, ago)
where m.member_number = 1001 and m.program_id = '22222222-2222-4222-8222-000000000001';

select public.wallet_topup(m.id, 5000000, 'seed-sara-topup', now() - interval '1 day')
from public.members m where m.member_number = 1001 and m.program_id = '22222222-2222-4222-8222-000000000001';
