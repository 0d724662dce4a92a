import type { PageLoad } from './$types';

export const load = (({ params }) => ({ lotteryId: params.id })) satisfies PageLoad;
