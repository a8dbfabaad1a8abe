/**
 * Order types of the Dongguan 12345 regulation. Consultations are answered on the
 * call where the knowledge base allows it; the others are dispatched to a unit.
 */
export const ORDER_TYPES = [
  'consultation',
  'suggestion',
  'complaint',
  'report',
  'help',
  'praise',
] as const;

export type OrderType = (typeof ORDER_TYPES)[number];

export const ORDER_TYPE_LABELS: Record<OrderType, { zh: string; en: string }> = {
  consultation: { zh: '咨询', en: 'Consultation' },
  suggestion: { zh: '建议', en: 'Suggestion' },
  complaint: { zh: '投诉', en: 'Complaint' },
  report: { zh: '举报', en: 'Report' },
  help: { zh: '求助', en: 'Help request' },
  praise: { zh: '表扬', en: 'Praise' },
};
