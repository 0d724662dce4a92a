/**
 * A fake third-party provider on loopback for the messaging tests: it records every request
 * (method, path, headers, body) and answers from a script, falling back to a default handler.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	/** The body as a form, when it is one. */
	form: Record<string, string>;
}

export interface Reply {
	status: number;
	json?: unknown;
	headers?: Record<string, string>;
}

export interface FakeProvider {
	url: string;
	requests: Recorded[];
	/** Replies used in order before `fallback`. */
	script: Reply[];
	fallback: (request: Recorded) => Reply;
	close(): Promise<void>;
}

export async function startFakeProvider(
	fallback: (request: Recorded) => Reply
): Promise<FakeProvider> {
	const fake: FakeProvider = {
		url: '',
		requests: [],
		script: [],
		fallback,
		close: async () => {}
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const isForm = String(req.headers['content-type'] ?? '').startsWith(
				'application/x-www-form-urlencoded'
			);
			const recorded: Recorded = {
				method: req.method ?? '',
				path: req.url ?? '',
				headers: req.headers,
				body,
				form: isForm ? Object.fromEntries(new URLSearchParams(body.toString('utf8'))) : {}
			};
			fake.requests.push(recorded);
			const reply = fake.script.shift() ?? fake.fallback(recorded);
			res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
			res.end(reply.json === undefined ? '' : JSON.stringify(reply.json));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	fake.close = () =>
		new Promise((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	return fake;
}

/**
 * Kavenegar as its REST documentation describes sms/send: a `localid` it has seen returns the
 * first message instead of sending another. `delivered` counts the messages that went out.
 */
export function kavenegarBehaviour() {
	const byLocalId = new Map<string, number>();
	let next = 8_792_343;
	return {
		delivered: () => byLocalId.size,
		reply(request: Recorded): Reply {
			const localid = request.form.localid;
			let id = localid ? byLocalId.get(localid) : undefined;
			if (id === undefined) {
				id = next++;
				if (localid) byLocalId.set(localid, id);
			}
			return {
				status: 200,
				json: {
					return: { status: 200, message: 'تایید شد' },
					entries: [
						{
							messageid: id,
							message: request.form.message,
							status: 1,
							statustext: 'در صف ارسال',
							sender: request.form.sender,
							receptor: request.form.receptor,
							date: 1356619709,
							cost: 120
						}
					]
				}
			};
		}
	};
}

/** Twilio's Messages resource: 201 with a new SM… sid for every POST (no deduplication). */
export function twilioBehaviour() {
	let next = 0;
	return (request: Recorded): Reply => ({
		status: 201,
		json: {
			sid: `SM${String(++next).padStart(32, '0')}`,
			status: 'queued',
			to: request.form.To,
			from: request.form.From,
			body: request.form.Body
		}
	});
}
