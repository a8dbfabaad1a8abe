import { describe, expect, it } from 'vitest';
import type {
  DeskEventFrame,
  DeskResponseFrame,
  DeskTransport,
  SyncStatus,
} from '../../../shared/desk-api';
import { DeskCallError } from '../../../shared/desk-api';
import { IpcDeskBridge } from './ipc-bridge';

const STATUS: SyncStatus = {
  hubReachable: false,
  pending: 1,
  rejected: 0,
  syncing: false,
  lastSuccessAt: null,
  lastError: 'hub down',
  conflicts: 0,
  nextRetryAt: null,
  catchUp: null,
};

/** A transport that answers with the frames a test queues, as the preload would. */
function transportWith(answers: DeskResponseFrame[]) {
  const subscribers = new Set<(frame: DeskEventFrame) => void>();
  const seen: Array<{ method: string; params: unknown }> = [];
  const transport: DeskTransport = {
    async request(method, params) {
      seen.push({ method, params });
      const next = answers.shift();
      if (!next) throw new Error('no answer queued');
      return next;
    },
    subscribe(listener) {
      subscribers.add(listener);
      return () => subscribers.delete(listener);
    },
  };
  const emit = (frame: DeskEventFrame) => subscribers.forEach((l) => l(frame));
  return { transport, seen, emit };
}

describe('IpcDeskBridge', () => {
  it('resolves with the validated result of an ok frame', async () => {
    const { transport, seen } = transportWith([{ id: 0, ok: true, result: STATUS }]);
    const bridge = new IpcDeskBridge(transport);
    await expect(bridge.call('sync.status', {})).resolves.toEqual(STATUS);
    expect(seen).toEqual([{ method: 'sync.status', params: {} }]);
  });

  it('rejects with a DeskCallError that keeps the code and field', async () => {
    const error = { code: 'bad-request' as const, message: 'order.type: bad', field: 'order.type' };
    const { transport } = transportWith([{ id: 0, ok: false, error }]);
    const failure = await new IpcDeskBridge(transport).call('sync.now', {}).catch((e) => e);
    expect(failure).toBeInstanceOf(DeskCallError);
    expect(failure).toMatchObject({ code: 'bad-request', field: 'order.type' });
  });

  it('refuses a result that does not match the contract', async () => {
    const { transport } = transportWith([{ id: 0, ok: true, result: { pending: 'many' } }]);
    await expect(new IpcDeskBridge(transport).call('sync.status', {})).rejects.toMatchObject({
      code: 'internal',
    });
  });

  it('delivers valid events and drops malformed ones', () => {
    const { transport, emit } = transportWith([]);
    const bridge = new IpcDeskBridge(transport);
    const got: unknown[] = [];
    const off = bridge.on('sync.status', (payload) => got.push(payload));
    emit({ event: 'sync.status', payload: STATUS });
    emit({ event: 'sync.status', payload: { pending: -1.5 } });
    off();
    emit({ event: 'sync.status', payload: STATUS });
    expect(got).toEqual([STATUS]);
  });
});
