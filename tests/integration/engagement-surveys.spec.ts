/**
 * Surveys after a purchase: managers write them, a member answers once per purchase, nobody else
 * reads the answers, and the results (NPS, its trend, each question's answers) add up.
 */
import { describe, expect, it } from 'vitest';
import { expectCode, expectRefused, ok, useWorld, DAY } from './ledger-helpers';
import type { World } from './world';

const world = useWorld();
const QUESTIONS = [
	{
		id: 'visit',
		kind: 'choice',
		label: 'What brought you in?',
		options: ['Coffee', 'Cake', 'Lunch']
	},
	{ id: 'service', kind: 'rating', label: 'How was the service?' },
	{ id: 'note', kind: 'text', label: 'Anything else?' }
];

async function activeSurvey(w: World) {
	return ok(
		await w.x.manager.client.rpc('save_survey', {
			p_program_id: w.x.id,
			p_title: 'After your visit',
			p_questions: QUESTIONS,
			p_active: true
		})
	);
}

async function responses(w: World, purchaseId: string) {
	const { rows } = await w.db.query(
		'select nps, answers from public.survey_responses where purchase_id = $1',
		[purchaseId]
	);
	return rows;
}

describe('a survey', () => {
	it('is written by managers only, and making one active retires the other', async () => {
		const w = world();
		expectCode(
			await w.x.cashier.client.rpc('save_survey', {
				p_program_id: w.x.id,
				p_title: 'Mine',
				p_active: true
			}),
			'VAFA_FORBIDDEN'
		);
		expectCode(
			await w.y.owner.client.rpc('save_survey', { p_program_id: w.x.id, p_title: 'Theirs' }),
			'VAFA_FORBIDDEN'
		);
		await expectRefused(
			w,
			() =>
				w.x.manager.client.rpc('save_survey', {
					p_program_id: w.x.id,
					p_title: 'Bad',
					p_questions: [{ id: 'q', kind: 'choice', label: 'One option', options: ['Only'] }]
				}),
			'VAFA_SURVEY_INVALID'
		);
		const first = await activeSurvey(w);
		const second = await activeSurvey(w);
		const { rows } = await w.db.query(
			'select id, active from public.surveys where program_id = $1 order by created_at',
			[w.x.id]
		);
		expect(rows).toEqual([
			{ id: first.id, active: false },
			{ id: second.id, active: true }
		]);
		const edited = ok(
			await w.x.owner.client.rpc('save_survey', {
				p_program_id: w.x.id,
				p_survey_id: second.id,
				p_title: 'After your visit to us',
				p_questions: QUESTIONS,
				p_active: true
			})
		);
		expect(edited).toMatchObject({ id: second.id, title: 'After your visit to us', active: true });
	});

	it('is answered once per purchase, by the purchase’s member only', async () => {
		const w = world();
		await activeSurvey(w);
		const purchase = await w.earn(w.a.memberId, 10);
		const pending = ok(await w.a.client.rpc('my_surveys'));
		expect(pending).toContainEqual(
			expect.objectContaining({ purchase_id: purchase, member_id: w.a.memberId })
		);
		expect(ok(await w.b.client.rpc('my_surveys'))).not.toContainEqual(
			expect.objectContaining({ purchase_id: purchase })
		);

		const answer = { p_purchase_id: purchase, p_nps: 9, p_answers: { visit: 'Cake', service: 5 } };
		expectCode(await w.b.client.rpc('answer_survey', answer), 'VAFA_PURCHASE_NOT_FOUND');
		await expectRefused(
			w,
			() => w.a.client.rpc('answer_survey', { ...answer, p_answers: { visit: 'Pizza' } }),
			'VAFA_SURVEY_INVALID_ANSWER'
		);
		await expectRefused(
			w,
			() => w.a.client.rpc('answer_survey', { ...answer, p_nps: 11 }),
			'VAFA_SURVEY_INVALID_ANSWER'
		);
		await expectRefused(
			w,
			() => w.a.client.rpc('answer_survey', { ...answer, p_answers: { nope: 1 } }),
			'VAFA_SURVEY_INVALID_ANSWER'
		);
		expect(await responses(w, purchase)).toEqual([]);

		const results = await Promise.all([1, 2, 3].map(() => w.a.client.rpc('answer_survey', answer)));
		expect(results.filter((r) => r.error === null)).toHaveLength(1);
		for (const r of results.filter((r) => r.error !== null)) {
			expect(r.error?.message).toBe('VAFA_SURVEY_ANSWERED');
		}
		expect(await responses(w, purchase)).toEqual([
			{ nps: 9, answers: { visit: 'Cake', service: 5 } }
		]);
		expect(ok(await w.a.client.rpc('my_surveys'))).not.toContainEqual(
			expect.objectContaining({ purchase_id: purchase })
		);
	});

	it('keeps answers from other members and from cashiers', async () => {
		const w = world();
		await activeSurvey(w);
		const purchase = await w.earn(w.a.memberId, 10);
		ok(
			await w.a.client.rpc('answer_survey', {
				p_purchase_id: purchase,
				p_nps: 3,
				p_answers: { note: 'Too loud' }
			})
		);
		for (const client of [w.b.client, w.x.cashier.client, w.y.owner.client, w.anon]) {
			const { data } = await client
				.from('survey_responses')
				.select('*')
				.eq('purchase_id', purchase);
			expect(data ?? []).toEqual([]);
		}
		const own = await w.a.client.from('survey_responses').select('nps').eq('purchase_id', purchase);
		expect(own.data).toEqual([{ nps: 3 }]);
		const manager = await w.x.manager.client
			.from('survey_responses')
			.select('nps')
			.eq('purchase_id', purchase);
		expect(manager.data).toEqual([{ nps: 3 }]);
	});

	it('closes when the answer window has passed', async () => {
		const w = world();
		await activeSurvey(w);
		const old = await w.earn(w.b.memberId, 10, { now: new Date(Date.now() - 20 * DAY) });
		await expectRefused(
			w,
			() => w.b.client.rpc('answer_survey', { p_purchase_id: old, p_nps: 8 }),
			'VAFA_SURVEY_EXPIRED'
		);
	});

	it('reports NPS, its trend and each question’s answers as an independent count says', async () => {
		const w = world();
		const survey = await activeSurvey(w);
		const scores = [10, 9, 9, 8, 7, 6, 3, 0, 10, 5];
		for (const [i, nps] of scores.entries()) {
			const purchase = await w.earn(w.b.memberId, 1);
			ok(
				await w.b.client.rpc('answer_survey', {
					p_purchase_id: purchase,
					p_nps: nps,
					p_answers: {
						visit: QUESTIONS[0].options![i % 3],
						service: (i % 5) + 1,
						...(i === 0 ? { note: 'Lovely' } : {})
					}
				})
			);
		}
		expectCode(
			await w.x.cashier.client.rpc('survey_results', { p_survey_id: survey.id }),
			'VAFA_SURVEY_NOT_FOUND'
		);
		const results = ok(await w.x.manager.client.rpc('survey_results', { p_survey_id: survey.id }));
		const { rows } = await w.db.query(
			`select count(*)::int as n,
			   round(100.0 * (count(*) filter (where nps >= 9) - count(*) filter (where nps <= 6)) / count(*))::int as nps
			 from public.survey_responses where survey_id = $1`,
			[survey.id]
		);
		expect(results.responses).toBe(rows[0].n);
		expect(results.responses).toBe(10);
		expect(Number(results.nps.score)).toBe(rows[0].nps);
		// 4 promoters, 2 passives, 4 detractors: NPS 0.
		expect(results.nps).toMatchObject({ promoters: 4, passives: 2, detractors: 4 });
		expect(results.distribution).toEqual([1, 0, 0, 1, 0, 1, 1, 1, 1, 2, 2]);
		expect(results.trend).toHaveLength(1);
		expect(results.trend[0].responses).toBe(10);
		const [visit, service, note] = results.questions;
		expect(visit.counts).toEqual([
			{ option: 'Coffee', count: 4 },
			{ option: 'Cake', count: 3 },
			{ option: 'Lunch', count: 3 }
		]);
		expect(service.counts.map((c: { count: number }) => c.count)).toEqual([2, 2, 2, 2, 2]);
		expect(Number(service.average)).toBe(3);
		expect(note.texts).toEqual(['Lovely']);
	});
});
