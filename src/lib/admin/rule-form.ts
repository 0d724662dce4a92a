/**
 * The earning-rules editor's form: strings as typed, turned into the rules engine's JSON and checked
 * with the engine's own zod schema, so the editor refuses exactly what the `rules` function refuses.
 */
import type { ZodIssue } from 'zod';
import { WEEKDAYS, type Weekday } from '$shared/rules/calendar';
import { RuleSetSchema, type RuleSet } from '$shared/rules/schema';
import { parseDecimal, parseWhole, type FieldProblem } from './fields';

export { WEEKDAYS, type Weekday };

export interface CategoryForm {
	key: string;
	name: string;
	multiplier: string;
}

export interface CampaignForm {
	key: string;
	id: string;
	name: string;
	from: string | null;
	to: string | null;
	weekdays: Weekday[];
	hoursFrom: string;
	hoursTo: string;
	minAmount: string;
	multiplier: string;
	bonus: string;
}

export interface RuleForm {
	points: string;
	per: string;
	rounding: 'floor' | 'round' | 'ceil';
	categories: CategoryForm[];
	tierMultiplier: boolean;
	firstPurchase: string;
	punchEvery: string;
	punchReward: string;
	birthdayPoints: string;
	birthdayWindow: 'day' | 'week' | 'month';
	refereePoints: string;
	referrerPoints: string;
	campaigns: CampaignForm[];
	capPurchase: string;
	capDay: string;
}

/** A problem with one field: ours (typed text) or the schema's, by the JSON path it concerns. */
export type FieldIssue =
	| { kind: 'field'; problem: FieldProblem }
	| { kind: 'schema'; code: string; message: string; minimum?: number; maximum?: number };

export type Checked =
	| { ok: true; rules: RuleSet; errors: Record<string, never> }
	| { ok: false; errors: Record<string, FieldIssue> };

/** Minor units per unit the staff type money in: Toman for IRR, else the currency's major unit. */
export function moneyUnit(currency: string): number {
	if (currency === 'IRR') return 10;
	try {
		const digits =
			new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
				.maximumFractionDigits ?? 2;
		return 10 ** digits;
	} catch {
		return 100;
	}
}

let serial = 0;
const key = () => `k${++serial}`;

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
const money = (value: unknown, unit: number) =>
	typeof value === 'number' ? String(value / unit) : '';

/** A new campaign, e.g. double points; its id stays with it in every ledger line it adds. */
export function newCampaign(): CampaignForm {
	return {
		key: key(),
		id: `campaign-${Math.random().toString(36).slice(2, 8)}`,
		name: '',
		from: null,
		to: null,
		weekdays: [],
		hoursFrom: '',
		hoursTo: '',
		minAmount: '',
		multiplier: '2',
		bonus: ''
	};
}

export function newCategory(): CategoryForm {
	return { key: key(), name: '', multiplier: '2' };
}

/** The form for a stored rule set (or the defaults when the club has none yet). */
export function formOf(stored: Record<string, unknown> | null, unit: number): RuleForm {
	const r = (stored ?? {}) as Partial<RuleSet> & Record<string, never>;
	return {
		points: text(r.base?.points ?? 1),
		per: r.base ? money(r.base.per, unit) : String(100_000 / unit),
		rounding: r.base?.rounding ?? 'floor',
		categories: Object.entries(r.categories ?? {}).map(([name, multiplier]) => ({
			key: key(),
			name,
			multiplier: String(multiplier)
		})),
		tierMultiplier: r.tier_multiplier ?? true,
		firstPurchase: text(r.first_purchase?.points),
		punchEvery: text(r.punch_card?.every),
		punchReward: r.punch_card?.reward_id ?? '',
		birthdayPoints: text(r.birthday?.points),
		birthdayWindow: r.birthday?.window ?? 'month',
		refereePoints: text(r.referral?.referee_points),
		referrerPoints: text(r.referral?.referrer_points),
		campaigns: (r.campaigns ?? []).map((c) => ({
			key: key(),
			id: c.id,
			name: c.name ?? '',
			from: c.from ?? null,
			to: c.to ?? null,
			weekdays: c.weekdays ?? [],
			hoursFrom: c.hours?.from ?? '',
			hoursTo: c.hours?.to ?? '',
			minAmount: money(c.min_amount, unit),
			multiplier: text(c.multiplier),
			bonus: text(c.bonus)
		})),
		capPurchase: text(r.caps?.per_purchase),
		capDay: text(r.caps?.per_day)
	};
}

/** The form as the engine's JSON, with the problems of text that is not a number. */
export function rulesOf(
	form: RuleForm,
	unit: number
): { json: Record<string, unknown>; problems: Record<string, FieldProblem> } {
	const problems: Record<string, FieldProblem> = {};
	const whole = (path: string, value: string, scale = 1): number | undefined => {
		const parsed = parseWhole(value);
		if (parsed === null) return undefined;
		if (parsed === 'invalid') {
			problems[path] = 'whole';
			return undefined;
		}
		return parsed * scale;
	};
	const decimal = (path: string, value: string): number | undefined => {
		const parsed = parseDecimal(value);
		if (parsed === null) return undefined;
		if (parsed === 'invalid') {
			problems[path] = 'decimal';
			return undefined;
		}
		return parsed;
	};
	const required = <T>(path: string, value: T | undefined): T | undefined => {
		if (value === undefined && !problems[path]) problems[path] = 'required';
		return value;
	};

	const json: Record<string, unknown> = {
		base: {
			points: required('base.points', whole('base.points', form.points)),
			per: required('base.per', whole('base.per', form.per, unit)),
			rounding: form.rounding
		},
		tier_multiplier: form.tierMultiplier,
		campaigns: []
	};
	if (form.categories.length) {
		const categories: Record<string, number | undefined> = {};
		form.categories.forEach((category, i) => {
			const name = category.name.trim();
			if (!name) problems[`categories.#${i}`] = 'required';
			else if (Object.hasOwn(categories, name)) problems[`categories.#${i}`] = 'order';
			categories[name] = required(
				`categories.${name}`,
				decimal(`categories.${name}`, category.multiplier)
			);
		});
		json.categories = categories;
	}
	const first = whole('first_purchase.points', form.firstPurchase);
	if (first !== undefined) json.first_purchase = { points: first };
	if (form.punchEvery.trim() || form.punchReward) {
		json.punch_card = {
			every: required('punch_card.every', whole('punch_card.every', form.punchEvery)),
			reward_id: form.punchReward || undefined
		};
		if (!form.punchReward) problems['punch_card.reward_id'] = 'required';
	}
	const birthday = whole('birthday.points', form.birthdayPoints);
	if (birthday !== undefined) json.birthday = { points: birthday, window: form.birthdayWindow };
	if (form.refereePoints.trim() || form.referrerPoints.trim())
		json.referral = {
			referee_points: whole('referral.referee_points', form.refereePoints) ?? 0,
			referrer_points: whole('referral.referrer_points', form.referrerPoints) ?? 0
		};
	json.campaigns = form.campaigns.map((c, i) => {
		const at = `campaigns.${i}`;
		const campaign: Record<string, unknown> = { id: c.id };
		if (c.name.trim()) campaign.name = c.name.trim();
		if (c.from) campaign.from = c.from;
		if (c.to) campaign.to = c.to;
		if (c.weekdays.length) campaign.weekdays = WEEKDAYS.filter((d) => c.weekdays.includes(d));
		if (c.hoursFrom || c.hoursTo) campaign.hours = { from: c.hoursFrom, to: c.hoursTo };
		const min = whole(`${at}.min_amount`, c.minAmount, unit);
		if (min !== undefined) campaign.min_amount = min;
		const multiplier = decimal(`${at}.multiplier`, c.multiplier);
		if (multiplier !== undefined) campaign.multiplier = multiplier;
		const bonus = whole(`${at}.bonus`, c.bonus);
		if (bonus !== undefined) campaign.bonus = bonus;
		return campaign;
	});
	const perPurchase = whole('caps.per_purchase', form.capPurchase);
	const perDay = whole('caps.per_day', form.capDay);
	if (perPurchase !== undefined || perDay !== undefined)
		json.caps = {
			...(perPurchase !== undefined ? { per_purchase: perPurchase } : {}),
			...(perDay !== undefined ? { per_day: perDay } : {})
		};
	return { json, problems };
}

function schemaIssue(issue: ZodIssue): FieldIssue {
	return {
		kind: 'schema',
		code: issue.code,
		message: issue.message,
		...(issue.code === 'too_small' ? { minimum: Number(issue.minimum) } : {}),
		...(issue.code === 'too_big' ? { maximum: Number(issue.maximum) } : {})
	};
}

/** Checks the form with the engine's schema; every problem is keyed by the path of its field. */
export function check(form: RuleForm, unit: number): Checked {
	const { json, problems } = rulesOf(form, unit);
	const errors: Record<string, FieldIssue> = {};
	const parsed = RuleSetSchema.safeParse(json);
	if (!parsed.success)
		for (const issue of parsed.error.issues) {
			const path = issue.path.join('.');
			errors[path] ??= schemaIssue(issue);
		}
	for (const [path, problem] of Object.entries(problems)) errors[path] = { kind: 'field', problem };
	if (parsed.success && Object.keys(errors).length === 0)
		return { ok: true, rules: parsed.data, errors: {} };
	return { ok: false, errors };
}
