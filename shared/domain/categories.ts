/**
 * Top-level hotline matters. The skeleton keeps one flat level; the category tree
 * with a few hundred coded leaves comes with the work-order rules.
 */
export interface Category {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
}

export const CATEGORIES: readonly Category[] = [
  { code: 'social-insurance', zh: '社会保险', en: 'Social insurance' },
  { code: 'housing-fund', zh: '住房公积金', en: 'Housing provident fund' },
  { code: 'household-registration', zh: '户籍办理', en: 'Household registration' },
  { code: 'noise', zh: '噪音扰民', en: 'Noise nuisance' },
  { code: 'road-repair', zh: '道路维修', en: 'Road repair' },
  { code: 'wage-arrears', zh: '欠薪维权', en: 'Wage arrears' },
  { code: 'business-licence', zh: '营业执照', en: 'Business licence' },
  { code: 'traffic', zh: '交通出行', en: 'Traffic and transport' },
  { code: 'environment', zh: '生态环境', en: 'Environment' },
  { code: 'education', zh: '教育入学', en: 'Education and school places' },
  { code: 'medical-insurance', zh: '医疗保障', en: 'Medical insurance' },
  { code: 'utilities', zh: '水电燃气', en: 'Water, power and gas' },
  { code: 'other', zh: '其他', en: 'Other' },
];

export const CATEGORY_CODES = CATEGORIES.map((c) => c.code) as [string, ...string[]];
