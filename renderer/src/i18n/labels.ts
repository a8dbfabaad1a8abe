import { CATEGORIES } from '../../../shared/domain/categories';
import { ORDER_TYPE_LABELS, type OrderType } from '../../../shared/domain/order-types';
import { territoryByCode } from '../../../shared/domain/territories';
import type { OrderEditableField } from '../../../shared/order';
import type { Lang } from './messages';
import { messageKey, type Translate } from './translate';

/**
 * Names of the domain's codes in the UI language. The names live with the codes in
 * shared/domain; an unknown code (a newer hub, an old order) shows as the code itself.
 */
export function territoryName(code: string, lang: Lang, options: { short?: boolean } = {}): string {
  const territory = territoryByCode(code);
  if (!territory) return code;
  if (lang !== 'en') return territory.name;
  // Tables drop the English kind ("Nancheng", not "Nancheng Subdistrict"); the form keeps it.
  return options.short
    ? territory.nameEn.replace(/ (Subdistrict|Town|Park)$/, '')
    : territory.nameEn;
}

export function categoryName(code: string, lang: Lang): string {
  const category = CATEGORIES.find((c) => c.code === code);
  if (!category) return code;
  return lang === 'en' ? category.en : category.zh;
}

export function orderTypeName(type: string, lang: Lang): string {
  const label = ORDER_TYPE_LABELS[type as OrderType] as { zh: string; en: string } | undefined;
  if (!label) return type;
  return lang === 'en' ? label.en : label.zh;
}

/** A queue's display name where the dictionary knows the queue; else its code. */
export function queueName(t: Translate, queue: string): string {
  const key = messageKey(`queue.${queue}`);
  return key ? t(key) : queue;
}

const FIELD_KEYS = {
  type: 'field.type',
  category: 'field.category',
  territory: 'field.territory',
  summary: 'field.summary',
  citizenName: 'field.citizenName',
  citizenAddress: 'field.citizenAddress',
  callerNumber: 'field.callerNumber',
} as const satisfies Record<OrderEditableField, string>;

/** The label of an order field, as the form names it. */
export function fieldLabel(t: Translate, field: OrderEditableField): string {
  return t(FIELD_KEYS[field]);
}

/** A field's value for reading: codes by their names, text as it is. */
export function fieldValue(field: OrderEditableField, value: string, lang: Lang): string {
  if (field === 'type') return orderTypeName(value, lang);
  if (field === 'category') return categoryName(value, lang);
  if (field === 'territory') return territoryName(value, lang);
  return value;
}
