import { getSupabase } from '$lib/supabase/lazy';
import { rpc } from './rpc';

export type QuestionKind = 'choice' | 'rating' | 'text';

export interface Question {
	id: string;
	kind: QuestionKind;
	label: string;
	options?: string[];
}

export interface Survey {
	id: string;
	program_id: string;
	title: string;
	intro: string;
	questions: Question[];
	active: boolean;
	answer_days: number;
	created_at: string;
}

export interface PendingSurvey {
	purchase_id: string;
	amount: number;
	occurred_at: string;
	member_id: string;
	answer_by: string;
	club: { id: string; slug: string; name: string; currency: string };
	survey: Pick<Survey, 'id' | 'title' | 'intro' | 'questions'>;
}

export type Answers = Record<string, string | number>;

export interface QuestionResult {
	id: string;
	kind: QuestionKind;
	label: string;
	answered: number;
	counts: { option: string; count: number }[] | null;
	average: number | null;
	texts: string[] | null;
}

export interface SurveyResults {
	survey: Survey;
	responses: number;
	nps: { score: number | null; promoters: number; passives: number; detractors: number };
	distribution: number[];
	trend: { bucket: string; responses: number; nps: number }[];
	questions: QuestionResult[];
}

export type Bucket = 'day' | 'week' | 'month';

export interface SurveyDraft {
	id: string | null;
	title: string;
	intro: string;
	questions: Question[];
	active: boolean;
	answerDays: number;
}

/** Surveys after a purchase: the member's pending ones and answers; the managers' editor and results. */
export const surveys = {
	pending: () => rpc<PendingSurvey[]>('my_surveys'),

	answer: (purchaseId: string, nps: number, answers: Answers) =>
		rpc<{ response_id: string }>('answer_survey', {
			p_purchase_id: purchaseId,
			p_nps: nps,
			p_answers: answers
		}),

	save: (programId: string, draft: SurveyDraft) =>
		rpc<Survey>('save_survey', {
			p_program_id: programId,
			p_survey_id: draft.id,
			p_title: draft.title,
			p_intro: draft.intro,
			p_questions: draft.questions,
			p_active: draft.active,
			p_answer_days: draft.answerDays
		}),

	results: (surveyId: string, bucket: Bucket) =>
		rpc<SurveyResults>('survey_results', { p_survey_id: surveyId, p_bucket: bucket }),

	/** The club's surveys, newest first (managers read them all under RLS). */
	async list(programId: string): Promise<Survey[] | null> {
		if (!navigator.onLine) return null;
		const supabase = await getSupabase();
		const { data, error } = await supabase
			.from('surveys')
			.select('id, program_id, title, intro, questions, active, answer_days, created_at')
			.eq('program_id', programId)
			.order('created_at', { ascending: false });
		return error ? null : (data as Survey[]);
	}
};
