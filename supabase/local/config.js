/** Reads supabase/config.toml into the settings the local stack's services use. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

export const SUPABASE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** "5s", "1m30s", "2h" or a number of seconds -> seconds. */
export function seconds(value, fallback) {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'number') return value;
	const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(String(value).trim());
	if (!match || match[0] === '')
		throw new Error(`config.toml: "${value}" is not a duration like 5s`);
	return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

/** The parsed config.toml, with the defaults `supabase start` applies where a key is absent. */
export function loadConfig(path = `${SUPABASE_DIR}config.toml`) {
	const toml = parse(readFileSync(path, 'utf8'));
	const auth = toml.auth ?? {};
	const sms = auth.sms ?? {};
	const email = auth.email ?? {};
	return {
		projectId: toml.project_id ?? 'vafa',
		api: {
			port: toml.api?.port ?? 54321,
			schemas: toml.api?.schemas ?? ['public', 'graphql_public'],
			extraSearchPath: toml.api?.extra_search_path ?? ['public', 'extensions'],
			maxRows: toml.api?.max_rows ?? 1000
		},
		db: { port: toml.db?.port ?? 54322, seedPaths: toml.db?.seed?.sql_paths ?? ['./seed.sql'] },
		auth: {
			siteUrl: auth.site_url ?? 'http://localhost:5173',
			redirectUrls: auth.additional_redirect_urls ?? [],
			jwtExpiry: auth.jwt_expiry ?? 3600,
			refreshTokenRotation: auth.enable_refresh_token_rotation ?? true,
			refreshTokenReuseInterval: auth.refresh_token_reuse_interval ?? 10,
			enableSignup: auth.enable_signup ?? true,
			minimumPasswordLength: auth.minimum_password_length ?? 6,
			rateLimit: {
				emailSent: auth.rate_limit?.email_sent ?? 2,
				smsSent: auth.rate_limit?.sms_sent ?? 30,
				tokenRefresh: auth.rate_limit?.token_refresh ?? 150,
				signInSignUps: auth.rate_limit?.sign_in_sign_ups ?? 30,
				tokenVerifications: auth.rate_limit?.token_verifications ?? 30
			},
			sms: {
				enableSignup: sms.enable_signup ?? true,
				enableConfirmations: sms.enable_confirmations ?? false,
				template: sms.template ?? 'Your code is {{ .Code }}',
				maxFrequency: seconds(sms.max_frequency, 5),
				otpExpiry: seconds(sms.otp_expiry, 6000),
				otpLength: sms.otp_length ?? 6,
				testOtp: Object.fromEntries(
					Object.entries(sms.test_otp ?? {}).map(([phone, code]) => [
						String(phone).replace(/[+\s]/g, ''),
						String(code)
					])
				)
			},
			email: {
				enableSignup: email.enable_signup ?? true,
				enableConfirmations: email.enable_confirmations ?? false,
				maxFrequency: seconds(email.max_frequency, 1),
				otpExpiry: seconds(email.otp_expiry, 3600),
				otpLength: email.otp_length ?? 6
			}
		},
		functions: Object.fromEntries(
			Object.entries(toml.functions ?? {}).map(([name, f]) => [
				name,
				{ verifyJwt: f.verify_jwt ?? true }
			])
		)
	};
}
