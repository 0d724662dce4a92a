-- Engagement demo for cafe-vafa: the survey asked after each purchase, a weekly draw open now, and
-- last month's draw already made (Sara's purchases entered it), so its proof can be checked.

select public.save_survey('22222222-2222-4222-8222-000000000001', 'نظر شما دربارهٔ این خرید',
  '[{"id": "visit", "kind": "choice", "label": "برای چه آمدید؟", "options": ["قهوه", "کیک", "صبحانه"]},
    {"id": "service", "kind": "rating", "label": "برخورد کارکنان چطور بود؟"},
    {"id": "note", "kind": "text", "label": "حرف دیگری دارید؟"}]'::jsonb,
  true, 'دو دقیقه وقت می‌گیرد و به ما کمک می‌کند بهتر شویم.', 14);

-- Last month's draw: one entry per 1 000 000 rials spent; closed yesterday and drawn.
select public.draw_lottery((public.create_lottery('22222222-2222-4222-8222-000000000001', 'قرعه‌کشی ماه گذشته',
  now() - interval '1 day', 'یک برندهٔ کیک روز از میان خریداران ماه.', 1000000, null, null, 1,
  (select r.id from public.rewards r where r.program_id = '22222222-2222-4222-8222-000000000001' and r.name = 'کیک روز'),
  now() - interval '30 days', null, now() - interval '30 days') ->> 'id')::uuid, now());

-- This week's draw, open now and repeating weekly: entries by purchases or 20 points each.
select public.create_lottery('22222222-2222-4222-8222-000000000001', 'قرعه‌کشی هفتگی',
  now() + interval '7 days', 'هر هفته یک اسپرسوی رایگان برای یک برنده.', 1000000, 20, 10, 1,
  (select r.id from public.rewards r where r.program_id = '22222222-2222-4222-8222-000000000001' and r.name = 'اسپرسو'),
  null, 7);
