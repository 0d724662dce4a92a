import { m } from '$lib/paraglide/messages';

/** A failure from the engagement functions as a sentence for the manager, by its stable code. */
export function problemText(error: unknown): string {
	const code = (error as { message?: string })?.message ?? '';
	if (code === 'VAFA_TEMPLATE_NOT_FOUND') return m.campaigns_error_template_missing();
	if (code === 'VAFA_FORBIDDEN' || (error as { code?: string })?.code === '42501')
		return m.campaigns_error_forbidden();
	return m.campaigns_error_generic({ message: code || String(error) });
}
