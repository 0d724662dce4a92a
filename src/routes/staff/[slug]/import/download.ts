/** Saves `parts` as a file the browser downloads (a UTF-8 CSV unless told otherwise). */
export function download(parts: BlobPart[], fileName: string, type = 'text/csv;charset=utf-8') {
	const url = URL.createObjectURL(new Blob(parts, { type }));
	const link = document.createElement('a');
	link.href = url;
	link.download = fileName;
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
