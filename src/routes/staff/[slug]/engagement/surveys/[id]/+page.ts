import type { PageLoad } from './$types';

export const load = (({ params }) => ({ surveyId: params.id })) satisfies PageLoad;
