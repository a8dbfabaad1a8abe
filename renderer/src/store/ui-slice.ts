import { DEFAULT_LANG, isLang, type Lang } from '../i18n/messages';
import type { SliceCreator } from './types';

export const LANG_KEY = 'hotline.lang';

export interface UiSlice {
  /** Language of the UI; remembered on this seat. */
  lang: Lang;
  /** Whether the link to the seat core is up (always, under Electron). */
  seatLinkUp: boolean;
  setLang(lang: Lang): void;
  seatLinkChanged(up: boolean): void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set, _get, deps) => {
  const stored = deps.storage.getItem(LANG_KEY);
  return {
    lang: isLang(stored) ? stored : DEFAULT_LANG,
    seatLinkUp: true,
    setLang(lang) {
      deps.storage.setItem(LANG_KEY, lang);
      set({ lang });
    },
    seatLinkChanged(up) {
      set({ seatLinkUp: up });
    },
  };
};
