/** One bar: its label (a day, a month, a reward), its value and the value as the locale writes it. */
export interface Datum {
	index: number;
	label: string;
	value: number;
	shown: string;
}
