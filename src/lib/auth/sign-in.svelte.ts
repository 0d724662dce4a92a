import { createSubscriber } from 'svelte/reactivity';
import { auth } from '$lib/auth/auth';
import type { AuthProblem } from '$lib/auth/errors';
import { roughE164 } from '$lib/auth/phone-text';
import { toAsciiDigits } from '$lib/i18n/format';

/**
 * libphonenumber-js with its metadata (about 29 KB gzip) loads when the number field is first used,
 * not with the sign-in page: a new member's first visit, from a club's join link, paints sooner.
 */
const phoneModule = () => import('$lib/auth/phone');

/** Hosted Supabase's default gap between two codes to one phone (`sms.max_frequency`). */
const RESEND_AFTER_SECONDS = 60;

/** The two steps of signing in by SMS: the phone number, then the texted code. */
export class SignInFlow {
	#step = $state<'phone' | 'code'>('phone');
	#phone = $state('');
	#shownPhone = $state('');
	#problem = $state<AuthProblem | null>(null);
	#busy = $state(false);
	#resendAt = $state(0);
	#tick = createSubscriber((update) => {
		const timer = setInterval(update, 1000);
		return () => clearInterval(timer);
	});

	phoneInput = $state('');
	codeInput = $state('');

	get step() {
		return this.#step;
	}

	/** The number the code went to, in E.164. */
	get phone() {
		return this.#phone;
	}

	/** The same number grouped for reading (`+98 912 000 0001`). */
	get shownPhone() {
		return this.#shownPhone;
	}

	/** Starts loading the number checker, e.g. when the field gets focus. */
	prepare() {
		void phoneModule().catch(() => {});
	}

	get problem() {
		return this.#problem;
	}

	get busy() {
		return this.#busy;
	}

	/** Seconds until another code may be asked for; re-read every second while shown. */
	get resendIn(): number {
		this.#tick();
		return Math.max(0, Math.ceil((this.#resendAt - Date.now()) / 1000));
	}

	async sendCode() {
		await this.#run(async () => {
			// If the checker cannot be downloaded (a weak signal on a first visit; a browser may
			// keep that failure until reload), the number goes as typed and the auth server checks it.
			const phones = await phoneModule().catch(() => null);
			const phone = phones ? phones.toE164(this.phoneInput) : roughE164(this.phoneInput);
			if (!phone) return this.#fail('phone_invalid');
			const result = await auth.sendCode(phone);
			if (!result.ok) return this.#fail(result.problem, result.retryAfter);
			this.#phone = phone;
			this.#shownPhone = phones ? phones.formatPhone(phone) : phone;
			this.#step = 'code';
			this.codeInput = '';
			this.#resendAt = Date.now() + RESEND_AFTER_SECONDS * 1000;
		});
	}

	async resend() {
		if (this.resendIn > 0) return;
		this.phoneInput = this.#phone;
		await this.sendCode();
	}

	/** Resolves true once the session exists. */
	async verify(): Promise<boolean> {
		const code = toAsciiDigits(this.codeInput).replace(/\s/g, '');
		if (!/^\d{6}$/.test(code)) {
			this.#fail('code_format');
			return false;
		}
		let signedIn = false;
		await this.#run(async () => {
			const result = await auth.verifyCode(this.#phone, code);
			if (!result.ok) return this.#fail(result.problem);
			signedIn = true;
		});
		return signedIn;
	}

	changeNumber() {
		this.#step = 'phone';
		this.#problem = null;
	}

	async #run(task: () => Promise<void>) {
		if (this.#busy) return;
		this.#busy = true;
		this.#problem = null;
		try {
			await task();
		} finally {
			this.#busy = false;
		}
	}

	#fail(problem: AuthProblem, retryAfter?: number) {
		this.#problem = problem;
		if (retryAfter) this.#resendAt = Date.now() + retryAfter * 1000;
	}
}
