/**
 * The order texts' slot templates ("{place}{company}入职{n}个月"), split once into literal
 * parts and slot names: filling millions of them is then a join, not a regex run.
 */
export type SlotName =
  'place' | 'place2' | 'road' | 'address' | 'company' | 'n' | 'months' | 'amount' | 'line';

const SLOT_NAMES: ReadonlySet<string> = new Set<SlotName>([
  'place',
  'place2',
  'road',
  'address',
  'company',
  'n',
  'months',
  'amount',
  'line',
]);

/** Literal text at even positions, slot names at odd ones. */
export type CompiledTemplate = readonly string[];

export function compileTemplate(template: string): CompiledTemplate {
  const parts = template.split(/\{(\w+)\}/);
  for (let i = 1; i < parts.length; i += 2) {
    if (!SLOT_NAMES.has(parts[i]!)) throw new Error(`unknown slot {${parts[i]}} in "${template}"`);
  }
  return parts;
}

/** Answers a slot's value; it decides which slots repeat within one order. */
export interface SlotSource {
  value(slot: SlotName): string;
}

export function fillTemplate(parts: CompiledTemplate, slots: SlotSource): string {
  if (parts.length === 1) return parts[0]!;
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    out += slots.value(parts[i] as SlotName) + parts[i + 1]!;
  }
  return out;
}
