/** Paraglide's compiler options, shared by vite.config.ts and `npm run check` (which compiles before type-checking). */
/** @type {import('@inlang/paraglide-js').CompilerOptions} */
export default {
	project: './project.inlang',
	outdir: './src/lib/paraglide',
	strategy: ['localStorage', 'custom-rtlBrowser', 'baseLocale'],
	localStorageKey: 'vafa:locale'
};
