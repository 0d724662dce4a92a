/**
 * Sends a checked import to the database in batches. Each batch is one transaction
 * (`import_members`): it lands whole or not at all, and its idempotency key makes a retried batch
 * return its first result. An interrupted import resumes from the first batch not confirmed; rows
 * of a batch that did land are found again as existing members, so nothing is added twice.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { ImportRow, Problem } from './csv';

export const BATCH_SIZE = 1000;

export interface Progress {
	importId: string;
	/** Rows sent and confirmed so far, of `total` valid rows. */
	done: number;
	total: number;
	created: number;
	existing: number;
	problems: Problem[];
}

export type ImportResult =
	| ({ ok: true } & Progress)
	| ({ ok: false; nextBatch: number; error: { code?: string; message: string } } & Progress);

interface BatchResult {
	created: number;
	existing: number;
	rejected: Problem[];
}

/** Opens the import on the server with the rows the file check already refused. */
export async function beginImport(
	client: SupabaseClient,
	programId: string,
	fileName: string,
	total: number,
	problems: Problem[]
): Promise<string> {
	const { data, error } = await client.rpc('begin_member_import', {
		p_program_id: programId,
		p_file_name: fileName.slice(0, 200) || 'members.csv',
		p_rows_total: total,
		p_problems: problems
	});
	if (error) throw error;
	return data as string;
}

/**
 * Sends `rows` from batch `fromBatch` on, reporting progress after each; stops at the first batch
 * that fails (after one retry under the same key) and says where to resume.
 */
export async function sendBatches(
	client: SupabaseClient,
	progress: Progress,
	rows: ImportRow[],
	fromBatch = 0,
	onProgress: (p: Progress) => void = () => {},
	batchSize = BATCH_SIZE
): Promise<ImportResult> {
	const state: Progress = { ...progress, problems: [...progress.problems] };
	for (let batch = fromBatch; batch * batchSize < rows.length; batch++) {
		const slice = rows.slice(batch * batchSize, (batch + 1) * batchSize);
		const args = {
			p_import_id: state.importId,
			p_rows: slice,
			p_idempotency_key: `import:${state.importId}:${batch}`
		};
		let result = await client.rpc('import_members', args);
		if (result.error && !result.error.code) result = await client.rpc('import_members', args);
		if (result.error) {
			return {
				ok: false,
				nextBatch: batch,
				error: { code: result.error.message, message: result.error.details ?? '' },
				...state
			};
		}
		const data = result.data as BatchResult;
		state.done += slice.length;
		state.created += data.created;
		state.existing += data.existing;
		state.problems.push(...data.rejected);
		onProgress({ ...state, problems: [...state.problems] });
	}
	const { error } = await client.rpc('finish_member_import', { p_import_id: state.importId });
	if (error) {
		return {
			ok: false,
			nextBatch: Math.ceil(rows.length / batchSize),
			error: { code: error.message, message: error.details ?? '' },
			...state
		};
	}
	state.problems.sort((a, b) => a.line - b.line);
	return { ok: true, ...state };
}

/** A whole import: open it, send every batch, close it. */
export async function runImport(
	client: SupabaseClient,
	programId: string,
	fileName: string,
	parsed: { rows: ImportRow[]; problems: Problem[]; total: number },
	onProgress?: (p: Progress) => void,
	batchSize = BATCH_SIZE
): Promise<ImportResult> {
	const importId = await beginImport(client, programId, fileName, parsed.total, parsed.problems);
	const start: Progress = {
		importId,
		done: 0,
		total: parsed.rows.length,
		created: 0,
		existing: 0,
		problems: [...parsed.problems]
	};
	onProgress?.(start);
	return sendBatches(client, start, parsed.rows, 0, onProgress, batchSize);
}
