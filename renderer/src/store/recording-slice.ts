import type { Recording } from '../../../shared/hub-api';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { createLogger } from '../lib/log';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.recording');

/**
 * The recording a shift lead opened for playback (recording.get).
 *
 *   (none) ──open──▶ loading ──▶ ready (audio as base64) | failed ──close──▶ (none)
 */
export interface OpenRecording {
  callId: string;
  phase: 'loading' | 'ready' | 'failed';
  recording: Recording | null;
  /** The WAV as the seat core sent it; the player makes a blob URL of it. */
  audioBase64: string | null;
  error: ErrorInfo | null;
}

export interface RecordingSlice {
  recordingOpen: OpenRecording | null;
  openRecording(callId: string): Promise<void>;
  closeRecording(): void;
}

export const initialRecordingState = { recordingOpen: null as OpenRecording | null };

export const createRecordingSlice: SliceCreator<RecordingSlice> = (set, get, { desk }) => ({
  ...initialRecordingState,

  async openRecording(callId) {
    set({
      recordingOpen: { callId, phase: 'loading', recording: null, audioBase64: null, error: null },
    });
    try {
      const { recording, audioBase64 } = await desk.call('recording.get', { callId });
      if (get().recordingOpen?.callId !== callId) return;
      set({ recordingOpen: { callId, phase: 'ready', recording, audioBase64, error: null } });
      log.info(`Recording of call ${callId} opened (${recording.durationMs} ms).`);
    } catch (error) {
      if (get().recordingOpen?.callId !== callId) return;
      const info = toErrorInfo(error);
      set({
        recordingOpen: { callId, phase: 'failed', recording: null, audioBase64: null, error: info },
      });
      log.warn(`Recording of call ${callId} could not be opened: ${info.message}`);
    }
  },

  closeRecording() {
    set({ recordingOpen: null });
  },
});
