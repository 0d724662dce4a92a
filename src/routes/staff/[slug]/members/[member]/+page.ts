import type { PageLoad } from './$types';

// The member is read on the page, so a refused or missing one shows there in the staff layout.
export const load = (({ params }) => ({ memberId: params.member })) satisfies PageLoad;
