/**
 * The API gateway on :54321, in the role Kong plays for `supabase start`: routes /rest/v1 to
 * PostgREST, /auth/v1 to the auth stand-in and /functions/v1 to the edge runtime, checks API keys,
 * turns a bare `apikey` into the Authorization header, and answers CORS.
 */
import http from 'node:http';
import { verify } from './jwt.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

const EXPOSE = [
	'Content-Range',
	'Content-Location',
	'Content-Profile',
	'Preference-Applied',
	'Range-Unit',
	'Location',
	'X-Supabase-Api-Version',
	'X-Total-Count',
	'Link'
].join(', ');

/** Auth routes Kong leaves open: links opened from an email or SMS carry no key. */
const OPEN_AUTH = /^\/(verify|callback|authorize|_local\/)/;

function send(res, status, body) {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

function cors(req, res) {
	res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
	res.setHeader('Vary', 'Origin');
	res.setHeader('Access-Control-Expose-Headers', EXPOSE);
	if (req.method === 'OPTIONS') {
		res.setHeader(
			'Access-Control-Allow-Headers',
			req.headers['access-control-request-headers'] ??
				'authorization, x-client-info, apikey, content-type, x-supabase-api-version, prefer'
		);
		res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
		res.setHeader('Access-Control-Max-Age', '3600');
		res.writeHead(204);
		res.end();
		return true;
	}
	return false;
}

function apiKeyOf(req, url) {
	return req.headers.apikey ?? url.searchParams.get('apikey') ?? undefined;
}

/** Kong's key-auth: the key must be one of the project's keys. */
function checkKey(req, res, url, keys) {
	const key = apiKeyOf(req, url);
	if (!key) {
		send(res, 401, {
			message: 'No API key found in request',
			hint: 'Send the anon key in the apikey header.'
		});
		return false;
	}
	if (!keys.includes(key)) {
		send(res, 401, {
			message: 'Invalid API key',
			hint: 'Double check your Supabase `anon` or `service_role` API key.'
		});
		return false;
	}
	if (!req.headers.authorization) req.headers.authorization = `Bearer ${key}`;
	return true;
}

function proxy(req, res, port, path, service) {
	const headers = { ...req.headers, host: `127.0.0.1:${port}` };
	const upstream = http.request(
		{ host: '127.0.0.1', port, method: req.method, path, headers, agent },
		(answer) => {
			res.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(res);
		}
	);
	upstream.on('error', (error) => {
		if (res.headersSent) return res.destroy(error);
		send(res, 502, { message: `${service} is not reachable: ${error.message}` });
	});
	req.pipe(upstream);
}

/** The edge runtime's JWT check (verify_jwt), done here so a function never sees a forged caller. */
function checkFunctionJwt(req, res, jwtSecret) {
	const header = req.headers.authorization ?? '';
	const match = /^Bearer\s+(\S+)$/i.exec(header);
	if (!match) {
		send(res, 401, {
			code: 'UNAUTHORIZED_NO_AUTH_HEADER',
			message: 'Missing authorization header'
		});
		return false;
	}
	const { error } = verify(match[1], jwtSecret);
	if (error) {
		const message = error === 'expired' ? 'JWT has expired' : 'Invalid JWT';
		send(res, 401, { code: 'UNAUTHORIZED_INVALID_JWT', message });
		return false;
	}
	return true;
}

/**
 * Creates the gateway's request listener. `ports` names the upstream ports, `auth` is the auth
 * stand-in's listener, `functions` the per-function settings of config.toml, `health()` the
 * stack's health report.
 */
export function createGateway({ ports, auth, keys, jwtSecret, functions, health }) {
	return (req, res) => {
		const url = new URL(req.url ?? '/', 'http://gateway');
		if (cors(req, res)) return;
		const path = url.pathname;
		if (path === '/_local/health') {
			health().then(
				(report) => send(res, report.healthy ? 200 : 503, report),
				(error) => send(res, 503, { healthy: false, message: error.message })
			);
			return;
		}
		if (path.startsWith('/rest/v1/') || path === '/rest/v1') {
			if (!checkKey(req, res, url, keys)) return;
			proxy(req, res, ports.rest, req.url.slice('/rest/v1'.length) || '/', 'PostgREST');
			return;
		}
		if (path.startsWith('/auth/v1/')) {
			const rest = req.url.slice('/auth/v1'.length);
			if (!OPEN_AUTH.test(rest) && !checkKey(req, res, url, keys)) return;
			req.url = rest;
			auth(req, res);
			return;
		}
		if (path.startsWith('/functions/v1/')) {
			const rest = req.url.slice('/functions/v1'.length);
			const name = rest.split(/[/?]/)[1] ?? '';
			const apikey = apiKeyOf(req, url);
			if (!req.headers.authorization && apikey && keys.includes(apikey)) {
				req.headers.authorization = `Bearer ${apikey}`;
			}
			if ((functions[name]?.verifyJwt ?? true) && !checkFunctionJwt(req, res, jwtSecret)) return;
			proxy(req, res, ports.functions, rest, 'The edge runtime');
			return;
		}
		send(res, 404, { message: 'no Route matched with those values' });
	};
}
