/**
 * The words of the phone's link to the PBX going and coming back (issue 5, WebSocket
 * loss), kept apart from messages.ts, which takes them in: Chinese is the source, English
 * has each key.
 */
export const PHONE_LINK_ZH = {
  'phoneLink.reconnecting': '与呼叫平台的连接中断，正在自动重连并重新注册，暂时接不到新来电。',
  'phoneLink.callKept': '当前通话仍在继续。',
  'phoneLink.downCallKept': '呼叫平台暂时无法连接，当前通话仍在继续；恢复连接前接不到新来电。',
  'phoneLink.restored': '已重新连接呼叫平台，话机已注册，可以接听来电。',
  'phoneLink.dismiss': '知道了',
} as const;

export type PhoneLinkMessageKey = keyof typeof PHONE_LINK_ZH;

export const PHONE_LINK_EN: Record<PhoneLinkMessageKey, string> = {
  'phoneLink.reconnecting':
    'The link to the PBX dropped: reconnecting and registering again. New calls cannot reach you until then.',
  'phoneLink.callKept': 'The call in progress goes on.',
  'phoneLink.downCallKept':
    'The PBX cannot be reached for now: the call in progress goes on. New calls cannot reach you until it is back.',
  'phoneLink.restored': 'Reconnected to the PBX: the phone is registered and takes calls again.',
  'phoneLink.dismiss': 'OK',
};
