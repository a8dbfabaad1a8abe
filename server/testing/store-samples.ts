import type { OrderInput } from '../../shared/order.js';
import type { ImportedOrder, KbArticle, PushBatch } from '../store/repository.js';

/** 2026-12-03 12:00 China time, the day the sample orders are numbered on. */
export const SAMPLE_NOW = Date.parse('2026-12-03T04:00:00Z');

export function sampleInput(callerNumber = '13800138000', summary = '路灯不亮'): OrderInput {
  return {
    type: 'complaint',
    category: 'social-insurance',
    territory: 'GC',
    summary,
    citizenName: '张三',
    citizenAddress: '南城街道',
    callerNumber,
  };
}

/** A push of `ids` (mutation ids m-<id>, client order ids c-<id>) from one seat. */
export function samplePush(ids: readonly string[], now = SAMPLE_NOW, seatId = 'seat-1'): PushBatch {
  return {
    seatId,
    agentId: 'a1',
    now,
    items: ids.map((id) => ({
      kind: 'create' as const,
      mutationId: `m-${id}`,
      clientOrderId: `c-${id}`,
      input: sampleInput(),
      deadline: null,
    })),
  };
}

export function sampleImported(createdAt: number, callerNumber: string): ImportedOrder {
  return {
    clientOrderId: null,
    seatId: null,
    agentId: null,
    input: sampleInput(callerNumber),
    state: 'closed',
    createdAt,
    deadline: null,
    lastReply: '已处理',
  };
}

export function sampleArticle(id: string, title = `文章${id}`): KbArticle {
  return {
    id,
    title,
    category: 'social-insurance',
    keywords: ['社保卡'],
    synonyms: [['社保卡', '社会保障卡']],
    body: `${title}的正文`,
  };
}
