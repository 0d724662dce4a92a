/** The JSON a manager writes to say how members earn points, validated before it becomes a version. */
import { z } from 'npm:zod@3';
import { WEEKDAYS } from './calendar.ts';

const MAX_POINTS = 1_000_000_000;

const points = z
	.number()
	.int('Points are whole numbers.')
	.min(0, 'Points are never negative.')
	.max(MAX_POINTS);

/** A multiplier with at most two decimals (1.5, 2, 1.25), so points stay integer arithmetic. */
const multiplier = (min: number) =>
	z
		.number()
		.min(min)
		.max(100)
		.refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-9, {
			message: 'A multiplier has at most two decimals, such as 1.5 or 1.25.'
		});

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'Dates are written YYYY-MM-DD.')
	.refine((value) => new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), {
		message: 'This date does not exist.'
	});

const clock = z
	.string()
	.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Times are written HH:MM, 00:00–23:59.');

const BaseSchema = z
	.object({
		points: points.describe('Points earned for every `per` minor units spent.'),
		per: z
			.number()
			.int()
			.min(1)
			.max(1_000_000_000_000)
			.describe(
				'The spend, in minor units of the club currency, that earns `points` (e.g. 100000 IRR).'
			),
		rounding: z
			.enum(['floor', 'round', 'ceil'])
			.default('floor')
			.describe('How a fraction of a point is rounded, once per purchase line (round: half up).')
	})
	.strict()
	.describe('Points per currency unit.');

const CampaignSchema = z
	.object({
		id: z
			.string()
			.regex(/^[a-z0-9][a-z0-9_-]{0,59}$/, 'A campaign id is lower-case letters, digits, - and _.')
			.describe('A stable id, kept in each ledger line so returns per campaign can be measured.'),
		name: z.string().min(1).max(80).optional().describe('The name shown to members.'),
		from: isoDate.optional().describe('First day, inclusive, in the club timezone.'),
		to: isoDate.optional().describe('Last day, inclusive, in the club timezone.'),
		weekdays: z
			.array(z.enum(WEEKDAYS))
			.min(1)
			.optional()
			.describe('Local weekdays on which it runs (sun…sat); every day when absent.'),
		hours: z
			.object({
				from: clock.describe('Local start, inclusive.'),
				to: clock.describe('Local end, exclusive; earlier than `from` runs past midnight.')
			})
			.strict()
			.refine((hours) => hours.from !== hours.to, { message: 'Hours start and end differ.' })
			.optional()
			.describe('Local time of day; all day when absent.'),
		min_amount: z
			.number()
			.int()
			.min(0)
			.optional()
			.describe('The smallest purchase, in minor units, that qualifies.'),
		multiplier: multiplier(1)
			.optional()
			.describe('Multiplies the spend points (base and category); 2 = double points.'),
		bonus: points.optional().describe('Fixed points added to a qualifying purchase.')
	})
	.strict()
	.refine((campaign) => campaign.multiplier !== undefined || campaign.bonus !== undefined, {
		message: 'A campaign needs a multiplier, a bonus or both.'
	})
	.refine((campaign) => !campaign.from || !campaign.to || campaign.from <= campaign.to, {
		message: 'A campaign ends on or after the day it starts.',
		path: ['to']
	})
	.describe('Extra points in a time window: dates, weekdays and hours in the club timezone.');

export const RuleSetSchema = z
	.object({
		base: BaseSchema,
		categories: z
			.record(z.string().min(1).max(60), multiplier(0))
			.optional()
			.describe('Multiplier per purchase-line category (0 earns nothing); other lines use 1.'),
		tier_multiplier: z
			.boolean()
			.default(true)
			.describe("Whether the member's tier multiplier adds points on top of the spend points."),
		first_purchase: z
			.object({ points: points.describe("Points for a member's first purchase.") })
			.strict()
			.optional()
			.describe('A welcome bonus on the first purchase.'),
		punch_card: z
			.object({
				every: z.number().int().min(2).max(1000).describe('Every Nth visit issues the reward.'),
				reward_id: z.string().uuid().describe('The reward issued as a gift.')
			})
			.strict()
			.optional()
			.describe('A punch card: a gift on every Nth visit, this purchase included.'),
		birthday: z
			.object({
				points: points.describe('Points on the first purchase in the birthday window.'),
				window: z
					.enum(['day', 'week', 'month'])
					.describe(
						'The day, ±3 days, or the month of the birthday; Persian clubs use Jalali months.'
					)
			})
			.strict()
			.optional()
			.describe('A birthday bonus, paid once per birthday.'),
		referral: z
			.object({
				referee_points: points.describe("Points for the referred member's first purchase."),
				referrer_points: points.describe('Points for the member who referred them.')
			})
			.strict()
			.optional()
			.describe("Bonuses for both sides, on the referred member's first purchase."),
		campaigns: z
			.array(CampaignSchema)
			.max(50)
			.default([])
			.describe('Campaigns; several may apply at once, each adding its own line.'),
		caps: z
			.object({
				per_purchase: points.optional().describe('Most points one purchase earns.'),
				per_day: points.optional().describe('Most points a member earns per local day.')
			})
			.strict()
			.optional()
			.describe('Limits applied after every other rule; the excess is not credited.')
	})
	.strict()
	.refine((rules) => new Set(rules.campaigns.map((c) => c.id)).size === rules.campaigns.length, {
		message: 'Campaign ids are unique.',
		path: ['campaigns']
	})
	.describe("A club's earning rules; each change is stored as a new version.");

export type RuleSet = z.output<typeof RuleSetSchema>;
export type RuleSetInput = z.input<typeof RuleSetSchema>;

export interface RuleIssue {
	path: string;
	message: string;
}

export type ParsedRuleSet =
	| { ok: true; rules: RuleSet }
	| { ok: false; code: 'VAFA_RULES_INVALID'; message: string; issues: RuleIssue[] };

/** Validates a rule set; problems come back as values with the path of each. */
export function parseRuleSet(json: unknown): ParsedRuleSet {
	const parsed = RuleSetSchema.safeParse(json);
	if (parsed.success) return { ok: true, rules: parsed.data };
	const issues = parsed.error.issues.map((issue) => ({
		path: issue.path.join('.'),
		message: issue.message
	}));
	const first = issues[0];
	return {
		ok: false,
		code: 'VAFA_RULES_INVALID',
		message: `The earning rules are not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}); first: ${first.path || 'rules'}: ${first.message}`,
		issues
	};
}
