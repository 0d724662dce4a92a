export { default as BarChart } from './BarChart.svelte';
export type { Datum } from './types';
