-- Messaging demo data for cafe-vafa: templates in fa, he and en, birthday gifts, quiet hours, a
-- win-back campaign draft and a welcome message in Sara's inbox.

update public.programs
set settings = settings || '{"birthday": {"enabled": true, "window": "week", "points": 50},
  "quiet_hours": {"start": "22:00", "end": "08:00"}}'::jsonb
where id = '22222222-2222-4222-8222-000000000001';

insert into public.message_templates (program_id, key, locale, channels, title, body) values
  ('22222222-2222-4222-8222-000000000001', 'welcome', 'fa', '{inbox}', 'به {club} خوش آمدید',
   '{name} عزیز، عضویت شما ثبت شد. امتیاز فعلی: {points}'),
  ('22222222-2222-4222-8222-000000000001', 'welcome', 'he', '{inbox}', 'ברוכים הבאים ל{club}',
   '{name}, החברות שלך נרשמה. הנקודות שלך: {points}'),
  ('22222222-2222-4222-8222-000000000001', 'welcome', 'en', '{inbox}', 'Welcome to {club}',
   'Dear {name}, you are now a member. Your points: {points}'),
  ('22222222-2222-4222-8222-000000000001', 'birthday', 'fa', '{inbox,sms,push}', 'تولدتان مبارک!',
   '{name} عزیز، تولدتان مبارک! {gift} امتیاز هدیه به کارت شما اضافه شد.'),
  ('22222222-2222-4222-8222-000000000001', 'birthday', 'he', '{inbox,sms,push}', 'יום הולדת שמח!',
   '{name}, יום הולדת שמח! {gift} נקודות מתנה נוספו לכרטיס שלך.'),
  ('22222222-2222-4222-8222-000000000001', 'birthday', 'en', '{inbox,sms,push}', 'Happy birthday!',
   'Happy birthday, {name}! {gift} gift points were added to your card.'),
  ('22222222-2222-4222-8222-000000000001', 'winback', 'fa', '{inbox,sms}', 'دلمان برایتان تنگ شده',
   '{name} عزیز، {offer} امتیاز هدیه منتظر شماست. سطح شما: {tier}'),
  ('22222222-2222-4222-8222-000000000001', 'winback', 'he', '{inbox,sms}', 'התגעגענו אליך',
   '{name}, {offer} נקודות מתנה מחכות לך. הדרגה שלך: {tier}'),
  ('22222222-2222-4222-8222-000000000001', 'winback', 'en', '{inbox,sms}', 'We miss you',
   'Dear {name}, {offer} gift points are waiting for you. Your tier: {tier}');

insert into public.campaigns (program_id, name, template, min_days_inactive, max_days_inactive,
  control_percent, offer_points, measure_days)
values ('22222222-2222-4222-8222-000000000001', 'بازگشت مشتریان ۴۵ روزه', 'winback', 45, 365, 20, 100, 30);

select private.enqueue_message('22222222-2222-4222-8222-000000000001', m.id, 'welcome', '{}', 'seed:welcome')
from public.members m
where m.program_id = '22222222-2222-4222-8222-000000000001' and m.member_number = 1001;
