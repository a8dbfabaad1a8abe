/**
 * The few words the phone host page shows, in the desk's language (the desk remembers
 * it under `hotline.lang` in the same origin's storage). The desk's own texts live in
 * renderer/src/i18n; the host has no React and needs only these.
 */
const TEXT = {
  'zh-CN': { videoPanel: '视频通话', remoteVideo: '对方视频', localVideo: '本方视频' },
  en: { videoPanel: 'Video call', remoteVideo: 'Caller video', localVideo: 'Your video' },
} as const;

export type HostText = (typeof TEXT)[keyof typeof TEXT];

export function hostText(doc: Document): HostText {
  return TEXT[hostLang(doc)];
}

/** The desk's language as it remembered it; zh-CN unless it chose English. */
export function hostLang(doc: Document): keyof typeof TEXT {
  let lang: string | null = null;
  try {
    lang = doc.defaultView?.localStorage.getItem('hotline.lang') ?? null;
  } catch {
    // Storage may be refused (privacy settings); the default language then.
  }
  return lang === 'en' ? 'en' : 'zh-CN';
}
