import { describe, expect, it } from 'vitest';
import { serviceClient, anonClient } from './clients';
import { PASSWORD } from './world';
import { randomInt } from 'node:crypto';

async function newCustomer() {
	const phone = `+97253${randomInt(1_000_000, 10_000_000)}`;
	const { error } = await serviceClient().auth.admin.createUser({
		phone,
		password: PASSWORD,
		phone_confirm: true
	});
	if (error) throw error;
	const client = anonClient();
	const signedIn = await client.auth.signInWithPassword({ phone, password: PASSWORD });
	if (signedIn.error) throw signedIn.error;
	return client;
}

describe('joining the demo club', () => {
	it('gives the next free member number even though the seed added member 1001 directly', async () => {
		const first = await newCustomer();
		const second = await newCustomer();
		const a = await first.rpc('join_program', { p_program_slug: 'cafe-vafa' });
		const b = await second.rpc('join_program', { p_program_slug: 'cafe-vafa' });
		expect(a.error).toBeNull();
		expect(b.error).toBeNull();
		expect(a.data.member_number).toBeGreaterThan(1001);
		expect(b.data.member_number).toBe(a.data.member_number + 1);
	});
});
