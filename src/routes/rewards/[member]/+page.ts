import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { cards } from '$lib/card/cards';
import { rewards } from '$lib/rewards/rewards';
import type { PageLoad } from './$types';

export const load = (async ({ parent, params, depends }) => {
	depends('app:rewards');
	const { userId } = await parent();
	if (!userId) redirect(307, resolve('/sign-in'));
	const [wallet, cached] = await Promise.all([cards.cached(userId), rewards.cached(params.member)]);
	const card = wallet?.cards.find((c) => c.id === params.member) ?? null;
	return { memberId: params.member, card, cached };
}) satisfies PageLoad;
