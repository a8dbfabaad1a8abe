import { DEFAULT_QUEUE } from '../../shared/acd-protocol.js';
import type { Role } from '../../shared/hub-api.js';

/**
 * The demo staff, one account or more per role. Every account has the password
 * SEED_PASSWORD; each normally sits at its home extension but may log in at any seat.
 * Only agents and the specialist serve queues: the shift lead watches the wallboard, the
 * unit handler (staff of a government unit working dispatched orders) and the admin take
 * no calls, so the ACD never routes a citizen to them.
 */
export const SEED_PASSWORD = 'demo1234';

export interface SeedAgent {
  id: string;
  account: string;
  name: string;
  role: Role;
  extension: string;
  queues: string[];
}

export const SEED_AGENTS: readonly SeedAgent[] = [
  {
    id: 'ag-001',
    account: 'agent01',
    name: '陈晓敏',
    role: 'agent',
    extension: '1001',
    queues: [DEFAULT_QUEUE],
  },
  {
    id: 'ag-002',
    account: 'agent02',
    name: '李志强',
    role: 'agent',
    extension: '1002',
    queues: [DEFAULT_QUEUE],
  },
  {
    id: 'ag-003',
    account: 'agent03',
    name: '黄丽娟',
    role: 'agent',
    extension: '1003',
    queues: [DEFAULT_QUEUE],
  },
  {
    id: 'ag-004',
    account: 'agent04',
    name: '张伟健',
    role: 'agent',
    extension: '1004',
    queues: [DEFAULT_QUEUE],
  },
  {
    id: 'ag-005',
    account: 'agent05',
    name: '刘嘉欣',
    role: 'agent',
    extension: '1005',
    queues: [DEFAULT_QUEUE],
  },
  {
    id: 'ag-101',
    account: 'specialist01',
    name: '周文博',
    role: 'specialist',
    extension: '1101',
    queues: [DEFAULT_QUEUE],
  },
  {
    id: 'ag-801',
    account: 'unit01',
    name: '吴建华',
    role: 'unit-handler',
    extension: '1801',
    queues: [],
  },
  { id: 'ag-901', account: 'lead01', name: '王海燕', role: 'lead', extension: '1901', queues: [] },
  {
    id: 'ag-999',
    account: 'admin01',
    name: '郑国平',
    role: 'admin',
    extension: '1999',
    queues: [],
  },
];
