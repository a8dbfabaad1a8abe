import { createStore } from 'zustand/vanilla';
import { createAgentSlice } from './agent-slice';
import { createCallbackSlice } from './callback-slice';
import { createCentreOrderSlice } from './centre-order-slice';
import { createConflictSlice } from './conflict-slice';
import { createDeviceSlice } from './device-slice';
import { createKbSlice } from './kb-slice';
import { createOrderSlice } from './order-slice';
import { createPhoneSlice } from './phone-slice';
import { createPopSlice } from './pop-slice';
import { createRecordingSlice } from './recording-slice';
import { createRejectedSlice } from './rejected-slice';
import { createSeatSlice } from './seat-slice';
import { createSessionSlice } from './session-slice';
import { createSyncSlice } from './sync-slice';
import { createTransferSlice } from './transfer-slice';
import type { DeskState, StoreDeps } from './types';
import { createUiSlice } from './ui-slice';

/** The desk store: the slices combined, no middleware. */
export function createDeskStore(deps: StoreDeps) {
  return createStore<DeskState>()((set, get) => ({
    ...createSessionSlice(set, get, deps),
    ...createAgentSlice(set, get, deps),
    ...createPhoneSlice(set, get, deps),
    ...createTransferSlice(set, get, deps),
    ...createCallbackSlice(set, get, deps),
    ...createDeviceSlice(set, get, deps),
    ...createPopSlice(set, get, deps),
    ...createOrderSlice(set, get, deps),
    ...createKbSlice(set, get, deps),
    ...createSyncSlice(set, get, deps),
    ...createConflictSlice(set, get, deps),
    ...createRejectedSlice(set, get, deps),
    ...createRecordingSlice(set, get, deps),
    ...createCentreOrderSlice(set, get, deps),
    ...createSeatSlice(set, get, deps),
    ...createUiSlice(set, get, deps),
  }));
}

export type DeskStore = ReturnType<typeof createDeskStore>;
