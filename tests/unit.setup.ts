/**
 * Compiles the Paraglide messages once before the unit layer (vite.config.ts skips the plugin under
 * vitest). It runs in a child process because the compiler leaves handles open that would keep
 * vitest from exiting.
 */
import { execFileSync } from 'node:child_process';

export default function setup() {
	execFileSync('npm', ['run', '--silent', 'i18n'], { stdio: 'inherit' });
}
