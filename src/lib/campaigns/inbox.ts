/** The customer's in-app inbox and message preferences, through supabase-js (RLS: their own rows). */
import { getSupabase } from '$lib/supabase/lazy';

export type Channel = 'inbox' | 'sms' | 'push';

export interface InboxMessage {
	id: string;
	programId: string;
	title: string;
	body: string;
	createdAt: string;
	readAt: string | null;
}

export interface Membership {
	memberId: string;
	programId: string;
	club: string;
	optedOut: Channel[];
}

export const inbox = {
	/** The newest 100 messages of all the caller's clubs. */
	async list(): Promise<InboxMessage[]> {
		const supabase = await getSupabase();
		const { data, error } = await supabase
			.from('inbox_messages')
			.select('id, program_id, title, body, created_at, read_at')
			.order('created_at', { ascending: false })
			.limit(100);
		if (error) throw error;
		return data.map((row) => ({
			id: row.id,
			programId: row.program_id,
			title: row.title,
			body: row.body,
			createdAt: row.created_at,
			readAt: row.read_at
		}));
	},

	/** Marks messages read (those already read keep their first time). */
	async markRead(ids: string[]): Promise<void> {
		if (!ids.length) return;
		const supabase = await getSupabase();
		const { error } = await supabase
			.from('inbox_messages')
			.update({ read_at: new Date().toISOString() })
			.in('id', ids)
			.is('read_at', null);
		if (error) throw error;
	},

	async unreadCount(): Promise<number> {
		const supabase = await getSupabase();
		const { data, error } = await supabase.rpc('my_unread_count');
		if (error) throw error;
		return Number((data as { total: number }).total);
	},

	/** The caller's memberships with the channels each opted out of. */
	async memberships(userId: string): Promise<Membership[]> {
		const supabase = await getSupabase();
		const [members, prefs] = await Promise.all([
			supabase.from('members').select('id, program_id, programs(name)').eq('user_id', userId),
			supabase.from('message_preferences').select('member_id, opted_out')
		]);
		if (members.error) throw members.error;
		if (prefs.error) throw prefs.error;
		const optedOut = new Map(prefs.data.map((p) => [p.member_id, p.opted_out as Channel[]]));
		return members.data.map((m) => ({
			memberId: m.id,
			programId: m.program_id,
			club: (m.programs as unknown as { name: string } | null)?.name ?? '',
			optedOut: optedOut.get(m.id) ?? []
		}));
	},

	/** Registers this browser for the clubs' web push (VAPID), once per endpoint. */
	async subscribePush(vapidPublicKey: string): Promise<void> {
		const registration = await navigator.serviceWorker.ready;
		const key = Uint8Array.from(atob(vapidPublicKey.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
			c.charCodeAt(0)
		);
		const subscription =
			(await registration.pushManager.getSubscription()) ??
			(await registration.pushManager.subscribe({
				userVisibleOnly: true,
				applicationServerKey: key
			}));
		const json = subscription.toJSON();
		const supabase = await getSupabase();
		const { error } = await supabase.from('push_subscriptions').insert({
			endpoint: json.endpoint,
			p256dh: json.keys?.p256dh,
			auth: json.keys?.auth
		});
		// 23505: this browser is registered already.
		if (error && error.code !== '23505') throw error;
	},

	async setOptedOut(memberId: string, optedOut: Channel[]): Promise<void> {
		const supabase = await getSupabase();
		const { error } = await supabase.rpc('set_message_preferences', {
			p_member_id: memberId,
			p_opted_out: optedOut
		});
		if (error) throw error;
	}
};
