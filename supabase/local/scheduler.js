/**
 * The local stack's scheduler: runs the jobs declared in private.jobs (migration 20261123000700)
 * on their cron schedules, as pg_cron does on Supabase. Schedules are in UTC like pg_cron's. A job
 * is an `rpc` (POST /rest/v1/rpc/<target> {p_now}) or a `function` (POST /functions/v1/<target>
 * {now}), both with the service role's key, through the gateway. Each (job, minute) is claimed in
 * private.job_runs first, so two schedulers never run the same minute twice.
 */

const FIELDS = [
	{ min: 0, max: 59 },
	{ min: 0, max: 23 },
	{ min: 1, max: 31 },
	{ min: 1, max: 12 },
	{ min: 0, max: 7 }
];

function parseField(text, { min, max }) {
	const values = new Set();
	for (const part of text.split(',')) {
		const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
		if (!match) throw new Error(`"${text}" is not a cron field`);
		const from = match[1] === '*' ? min : Number(match[2]);
		const to =
			match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : match[4] ? max : from;
		const step = match[4] ? Number(match[4]) : 1;
		if (from < min || to > max || from > to || step < 1)
			throw new Error(`"${text}" is out of range`);
		for (let value = from; value <= to; value += step) values.add(value);
	}
	return values;
}

/** A five-field cron expression (minute hour day-of-month month day-of-week) as a UTC matcher. */
export function parseCron(expression) {
	const parts = expression.trim().split(/\s+/);
	if (parts.length !== 5) throw new Error(`"${expression}" needs five fields`);
	const [minute, hour, day, month, weekday] = parts.map((part, i) => parseField(part, FIELDS[i]));
	if (weekday.has(7)) weekday.add(0);
	const dayStar = parts[2] === '*';
	const weekdayStar = parts[4] === '*';
	return (at) => {
		if (!minute.has(at.getUTCMinutes()) || !hour.has(at.getUTCHours())) return false;
		if (!month.has(at.getUTCMonth() + 1)) return false;
		const dayOk = day.has(at.getUTCDate());
		const weekdayOk = weekday.has(at.getUTCDay());
		// As in cron: when both day fields are restricted, either may match.
		if (dayStar || weekdayStar) return dayOk && weekdayOk;
		return dayOk || weekdayOk;
	};
}

/**
 * `pool` (pg), `url` (the gateway), `serviceRoleKey`, `clock()` (a Date; tests move it), `log`.
 * `tick()` runs the jobs due in the clock's current minute and resolves when they are done.
 */
export function createScheduler({
	pool,
	url,
	serviceRoleKey,
	clock = () => new Date(),
	log = () => {}
}) {
	let timer = null;
	let running = Promise.resolve();
	let lastSlot = null;

	async function runJob(job, slot) {
		const claimed = await pool.query(
			`insert into private.job_runs (job, scheduled_for) values ($1, $2) on conflict do nothing returning job`,
			[job.name, slot]
		);
		if (!claimed.rowCount) return null;
		const [target, body] =
			job.kind === 'rpc'
				? [`${url}/rest/v1/rpc/${job.target}`, { p_now: slot.toISOString() }]
				: [`${url}/functions/v1/${job.target}`, { now: slot.toISOString() }];
		let ok = false;
		let result;
		try {
			const response = await fetch(target, {
				method: 'POST',
				headers: {
					apikey: serviceRoleKey,
					authorization: `Bearer ${serviceRoleKey}`,
					'content-type': 'application/json'
				},
				body: JSON.stringify(body)
			});
			result = await response.json().catch(() => null);
			ok = response.ok;
		} catch (error) {
			result = { error: error.message };
		}
		await pool.query(
			`update private.job_runs set finished_at = clock_timestamp(), ok = $3, result = $4
			 where job = $1 and scheduled_for = $2`,
			[job.name, slot, ok, JSON.stringify(result ?? null)]
		);
		log(`${job.name} ${ok ? 'ok' : 'failed'} ${JSON.stringify(result)}`);
		return { job: job.name, ok, result };
	}

	async function tick() {
		const at = clock();
		const slot = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
		if (lastSlot !== null && slot.getTime() <= lastSlot) return [];
		lastSlot = slot.getTime();
		const { rows } = await pool.query(
			'select name, schedule, kind, target from private.jobs where enabled order by name'
		);
		const due = rows.filter((job) => {
			try {
				return parseCron(job.schedule)(slot);
			} catch (error) {
				log(`${job.name}: ${error.message}`);
				return false;
			}
		});
		const results = await Promise.all(due.map((job) => runJob(job, slot)));
		return results.filter(Boolean);
	}

	return {
		tick: () => (running = running.then(tick, tick)),
		start(intervalMs = 10_000) {
			timer ??= setInterval(() => {
				running = running.then(tick).catch((error) => log(`tick failed: ${error.message}`));
			}, intervalMs);
		},
		async stop() {
			if (timer) clearInterval(timer);
			timer = null;
			await running.catch(() => {});
		}
	};
}
