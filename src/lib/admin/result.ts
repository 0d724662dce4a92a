/** What the admin data modules return: a value, or the stable code of why not. */
export type Result<T> = { ok: true; value: T } | { ok: false; code: string; detail?: string };

interface ErrorLike {
	code?: string;
	message?: string;
	details?: string | null;
}

/** A supabase-js error as a stable code: the function's VAFA_ code, a refusal, or the network. */
export function failure(error: ErrorLike): { ok: false; code: string; detail?: string } {
	if (error.message?.startsWith('VAFA_'))
		return { ok: false, code: error.message, detail: error.details ?? undefined };
	if (!error.code) return { ok: false, code: 'NETWORK' };
	if (error.code === '42501') return { ok: false, code: 'VAFA_FORBIDDEN' };
	if (error.code === '23514' || error.code === '22P02' || error.code === '23502')
		return { ok: false, code: 'VAFA_INVALID_REQUEST', detail: error.message };
	return { ok: false, code: 'UNKNOWN', detail: error.message };
}

/** Runs a request, turning a thrown fetch failure into the network code. */
export async function attempt<T>(run: () => Promise<Result<T>>): Promise<Result<T>> {
	if (typeof navigator !== 'undefined' && navigator.onLine === false)
		return { ok: false, code: 'NETWORK' };
	try {
		return await run();
	} catch {
		return { ok: false, code: 'NETWORK' };
	}
}
