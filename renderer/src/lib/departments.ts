/**
 * Department lines an agent calls from the desk (to ask, or to hand a matter over by
 * phone): the national service lines, reached through the Dongguan area code.
 * TODO(issue 6): load them from the hub's unit directory instead of this fixed
 * list, which only covers the demo PBX; the numbers go out through its trunk.
 */
export interface DepartmentLine {
  id: string;
  number: string;
  zh: string;
  en: string;
}

export const DEPARTMENT_LINES: readonly DepartmentLine[] = [
  {
    id: 'hrss',
    number: '076912333',
    zh: '人力资源和社会保障局',
    en: 'Human Resources and Social Security',
  },
  {
    id: 'housing',
    number: '076912319',
    zh: '住房和城乡建设局',
    en: 'Housing and Urban-Rural Development',
  },
  { id: 'market', number: '076912315', zh: '市场监督管理局', en: 'Market Regulation' },
  { id: 'environment', number: '076912369', zh: '生态环境局', en: 'Ecology and Environment' },
  { id: 'transport', number: '076912328', zh: '交通运输局', en: 'Transport' },
  { id: 'health', number: '076912320', zh: '卫生健康局', en: 'Health' },
  { id: 'police', number: '110', zh: '公安（报警）', en: 'Police (emergency)' },
];
