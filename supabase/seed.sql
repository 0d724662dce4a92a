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

insert into public.members (program_id, user_id, member_number, display_name) values
  ('22222222-2222-4222-8222-000000000001', '11111111-1111-4111-8111-000000000001', 1001, 'سارا');
