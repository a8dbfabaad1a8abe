/**
 * The words of call recordings (issue 5), kept apart from messages.ts, which takes them
 * in: Chinese is the source, English has each key.
 */
export const RECORDING_ZH = {
  'recording.play': '播放录音',
  'recording.playLabel': '播放工单 {no} 的通话录音',
  'recording.title': '通话录音',
  'recording.loading': '正在取回录音…',
  'recording.duration': '时长',
  'recording.startedAt': '通话时间',
  'recording.expiresAt': '保存至',
  'recording.channels': '左声道为来电人，右声道为坐席。',
  'recording.failed': '无法播放录音：{error}',
  'recording.none': '中心没有这通电话的录音。',
  'recording.close': '关闭',
} as const;

export type RecordingMessageKey = keyof typeof RECORDING_ZH;

export const RECORDING_EN: Record<RecordingMessageKey, string> = {
  'recording.play': 'Play recording',
  'recording.playLabel': 'Play the call recording of order {no}',
  'recording.title': 'Call recording',
  'recording.loading': 'Fetching the recording…',
  'recording.duration': 'Length',
  'recording.startedAt': 'Call time',
  'recording.expiresAt': 'Kept until',
  'recording.channels': 'Left channel: the caller; right channel: the seat.',
  'recording.failed': 'The recording cannot be played: {error}',
  'recording.none': 'The centre has no recording of this call.',
  'recording.close': 'Close',
};
