import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { cards } from '$lib/card/cards';
import { history } from '$lib/ledger/history';
import type { PageLoad } from './$types';

export const load = (async ({ parent, params, depends }) => {
	depends('app:history');
	const { userId } = await parent();
	if (!userId) redirect(307, resolve('/sign-in'));
	const [wallet, cached] = await Promise.all([cards.cached(userId), history.cached(params.member)]);
	const card = wallet?.cards.find((c) => c.id === params.member) ?? null;
	return { memberId: params.member, card, cached };
}) satisfies PageLoad;
