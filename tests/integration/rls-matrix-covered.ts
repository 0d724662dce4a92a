/** Tables whose RLS matrix lives in another spec file, so rls-matrix-tables' coverage check counts them. */
export const MESSAGING_TABLES = [
	'message_templates',
	'message_preferences',
	'push_subscriptions',
	'messages',
	'message_deliveries',
	'inbox_messages',
	'birthday_grants',
	'campaigns',
	'campaign_members'
] as const;
