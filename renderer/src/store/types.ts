import type { StoreApi } from 'zustand';
import type { DeskBridge } from '../../../shared/desk-api';
import type { PhoneControl } from '../phone/phone-types';
import type { AgentSlice } from './agent-slice';
import type { CallbackSlice } from './callback-slice';
import type { CentreOrderSlice } from './centre-order-slice';
import type { ConflictSlice } from './conflict-slice';
import type { DeviceSlice } from './device-slice';
import type { KbSlice } from './kb-slice';
import type { OrderSlice } from './order-slice';
import type { PhoneSlice } from './phone-slice';
import type { PopSlice } from './pop-slice';
import type { RecordingSlice } from './recording-slice';
import type { RejectedSlice } from './rejected-slice';
import type { SeatSlice } from './seat-slice';
import type { SessionSlice } from './session-slice';
import type { SyncSlice } from './sync-slice';
import type { TransferSlice } from './transfer-slice';
import type { UiSlice } from './ui-slice';

/** The whole desk state: one slice per domain, plain serialisable values only. */
export type DeskState = SessionSlice &
  AgentSlice &
  PhoneSlice &
  TransferSlice &
  CallbackSlice &
  DeviceSlice &
  PopSlice &
  OrderSlice &
  KbSlice &
  SyncSlice &
  ConflictSlice &
  RejectedSlice &
  RecordingSlice &
  CentreOrderSlice &
  SeatSlice &
  UiSlice;

/** What the store's actions reach outside the store: services, never state. */
export interface StoreDeps {
  desk: DeskBridge;
  phone: PhoneControl;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  now(): number;
}

export type SetState = StoreApi<DeskState>['setState'];
export type GetState = StoreApi<DeskState>['getState'];

/** A slice creator: its own state and actions; other slices are reached through get(). */
export type SliceCreator<T> = (set: SetState, get: GetState, deps: StoreDeps) => T;
