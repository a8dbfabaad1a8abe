import type { OrderType } from '../../../shared/domain/order-types.js';

/**
 * The shape of a hotline year, as weights the generator draws from. The figures are
 * plausible, not official: they are chosen so that a 6-million-order file looks like the
 * Dongguan centre's year (6.11 million contacts, ../shared/DESIGN.md) to the queries and
 * screens that read it.
 */

/**
 * Resident population per territory in units of 10,000, rounded from the 2020 census
 * (Dongguan about 10.5 million in all). Callers live in a territory in proportion to it.
 */
export const TERRITORY_POPULATION: Readonly<Record<string, number>> = {
  GC: 18,
  DC: 58,
  NC: 33,
  WJ: 27,
  SJ: 26,
  SL: 15,
  CS: 17,
  SP: 21,
  QS: 15,
  HL: 23,
  QT: 18,
  XG: 13,
  DK: 18,
  CP: 54,
  LB: 53,
  ZMT: 14,
  DL: 56,
  HJ: 30,
  QX: 38,
  TX: 53,
  FG: 42,
  DLS: 34,
  CA: 87,
  HM: 95,
  HuJ: 55,
  ST: 20,
  DJ: 16,
  HoM: 7,
  MY: 16,
  WND: 10,
  ZT: 18,
  GB: 24,
  SSH: 20,
};

/** Share of orders per category (relative weights). */
export const CATEGORY_WEIGHTS: Readonly<Record<string, number>> = {
  'social-insurance': 12,
  'housing-fund': 7,
  'household-registration': 7,
  noise: 9,
  'road-repair': 6,
  'wage-arrears': 8,
  'business-licence': 5,
  traffic: 10,
  environment: 6,
  education: 7,
  'medical-insurance': 8,
  utilities: 7,
  other: 8,
};

/**
 * How likely each order type is within a category that has texts of several types: most
 * contacts are questions, then complaints and help requests; praise is rare.
 */
export const TYPE_WEIGHTS: Readonly<Record<OrderType, number>> = {
  consultation: 1,
  complaint: 0.45,
  help: 0.25,
  report: 0.15,
  suggestion: 0.08,
  praise: 0.03,
};

/**
 * Calls per hour of the China-time day, 0 to 23: quiet nights, a morning peak around
 * 10:00 and an afternoon peak around 15:00, a long evening tail (the line runs 7x24).
 */
export const HOURLY_WEIGHTS: readonly number[] = [
  0.8, 0.5, 0.35, 0.3, 0.3, 0.45, 1.0, 2.2, 4.5, 7.5, 8.5, 7.8, 5.0, 4.6, 7.0, 7.6, 7.2, 6.0, 4.0,
  3.6, 3.2, 2.6, 1.8, 1.2,
];

/** Calls per day of the week, Sunday = 0: Monday is the busiest day, weekends are quiet. */
export const WEEKDAY_WEIGHTS: readonly number[] = [0.68, 1.15, 1.08, 1.05, 1.03, 1.0, 0.72];

/** An official holiday on a weekday is about as quiet as a Sunday. */
export const HOLIDAY_WEIGHT = 0.7;

/** A day's volume varies by up to this share either way (weather, news, outages). */
export const DAILY_JITTER = 0.06;

/**
 * Repeat callers: the number of orders per caller follows a discrete power law,
 * P(k) ~ k^-exponent for k = 1..maxOrders. With 2.5 about three in four numbers call
 * once, a few thousand call fifty times or more, and the most persistent few hundred.
 */
export const CALLER_COUNT_EXPONENT = 2.5;
export const CALLER_MAX_ORDERS = 400;

/** A repeat caller (3 orders or more) keeps coming back to one matter this often. */
export const MAIN_CONCERN_SHARE = 0.6;

/** Share of orders about a place in the caller's own territory. */
export const HOME_TERRITORY_SHARE = 0.8;

/** Share of callers on a Dongguan fixed line (0769-2xxxxxxx) rather than a mobile. */
export const FIXED_LINE_SHARE = 0.15;

/** Abandoned calls per order (the answer rate stays above the 90% target). */
export const ABANDONED_PER_ORDER = 0.07;

/** Consultations the agent could not answer on the call and dispatched to a unit. */
export const DISPATCHED_CONSULTATION_SHARE = 0.03;

/** Extensions of the answering agents: about 270 agent seats, 1001-1270. */
export const AGENT_EXTENSIONS = 270;
