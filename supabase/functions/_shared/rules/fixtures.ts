/** Builders shared by the rules tests: a rule set and an evaluation input with sensible defaults. */
import type { EvaluationInput } from './engine.ts';
import { parseRuleSet, type RuleSet, type RuleSetInput } from './schema.ts';

export const REWARD = '6f1c2a4e-8b1d-4c2f-9a3e-5d7b8c9e0f12';

/** A validated rule set; 1 point per 100,000 minor units, rounded down, unless overridden. */
export function rules(overrides: Partial<RuleSetInput> = {}): RuleSet {
	const parsed = parseRuleSet({ base: { points: 1, per: 100_000 }, ...overrides });
	if (!parsed.ok) throw new Error(parsed.message);
	return parsed.rules;
}

export interface InputOptions {
	amount?: number;
	lines?: EvaluationInput['purchase']['lines'];
	at?: string;
	member?: Partial<EvaluationInput['member']>;
	club?: Partial<EvaluationInput['club']>;
	rules?: RuleSet;
	version?: number;
}

/** A purchase by a returning bronze member of a Tehran club, at noon local time. */
export function input(options: InputOptions = {}): EvaluationInput {
	return {
		purchase: {
			amount: options.amount ?? 1_000_000,
			lines: options.lines,
			at: new Date(options.at ?? '2027-06-15T08:30:00Z')
		},
		member: {
			tierRank: 0,
			tierMultiplier: 1,
			visitCount: 3,
			birthday: null,
			firstPurchase: false,
			referredBy: null,
			pointsEarnedToday: 0,
			...options.member
		},
		club: { timezone: 'Asia/Tehran', locale: 'fa', ...options.club },
		rules: options.rules ?? rules(),
		version: options.version ?? 1
	};
}
