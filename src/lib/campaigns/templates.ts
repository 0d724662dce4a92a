/** A club's message templates (per key and locale) and its outbox, for managers. */
import { getSupabase } from '$lib/supabase/lazy';
import type { Channel } from './inbox';

export interface Template {
	id: string;
	key: string;
	locale: 'fa' | 'he' | 'en';
	channels: Channel[];
	title: string;
	body: string;
}

export interface Delivery {
	id: string;
	channel: Channel;
	status: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped' | 'unknown';
	attempts: number;
	provider: string | null;
	last_error: string | null;
	not_before: string;
	updated_at: string;
	message: { template: string; title: string; body: string; created_at: string } | null;
}

export const templates = {
	async list(programId: string): Promise<Template[]> {
		const supabase = await getSupabase();
		const { data, error } = await supabase
			.from('message_templates')
			.select('id, key, locale, channels, title, body')
			.eq('program_id', programId)
			.order('key')
			.order('locale');
		if (error) throw error;
		return data as Template[];
	},

	/** Adds a template, or changes the one with the same key and locale. */
	async save(programId: string, template: Omit<Template, 'id'> & { id?: string }): Promise<void> {
		const supabase = await getSupabase();
		const fields = { channels: template.channels, title: template.title, body: template.body };
		const { error } = template.id
			? await supabase
					.from('message_templates')
					.update({ ...fields, updated_at: new Date().toISOString() })
					.eq('id', template.id)
			: await supabase
					.from('message_templates')
					.insert({ program_id: programId, key: template.key, locale: template.locale, ...fields });
		if (error) throw error;
	},

	async remove(id: string): Promise<void> {
		const supabase = await getSupabase();
		const { error } = await supabase.from('message_templates').delete().eq('id', id);
		if (error) throw error;
	}
};

export const outbox = {
	/** The newest 100 deliveries of the club. */
	async list(programId: string): Promise<Delivery[]> {
		const supabase = await getSupabase();
		const { data, error } = await supabase
			.from('message_deliveries')
			.select(
				'id, channel, status, attempts, provider, last_error, not_before, updated_at, message:messages(template, title, body, created_at)'
			)
			.eq('program_id', programId)
			.order('updated_at', { ascending: false })
			.limit(100);
		if (error) throw error;
		return data as unknown as Delivery[];
	},

	async retry(id: string): Promise<void> {
		const supabase = await getSupabase();
		const { error } = await supabase.rpc('retry_delivery', { p_delivery_id: id });
		if (error) throw error;
	}
};
