import { DEFAULT_LANG, isLang, type Lang } from '../i18n/messages';
import type { SliceCreator } from './types';

export const LANG_KEY = 'hotline.lang';

/** What the centre column shows above the order form. */
export type CentreView = 'pop' | 'orders' | 'conflicts' | 'rejected';

export interface UiSlice {
  /** Language of the UI; remembered on this seat. */
  lang: Lang;
  /** Whether the link to the seat core is up (always, under Electron). */
  seatLinkUp: boolean;
  /** The pop of the call, or one of the seat's lists; a new call brings the pop back. */
  centreView: CentreView;
  setLang(lang: Lang): void;
  seatLinkChanged(up: boolean): void;
  showView(view: CentreView): void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set, _get, deps) => {
  const stored = deps.storage.getItem(LANG_KEY);
  return {
    lang: isLang(stored) ? stored : DEFAULT_LANG,
    seatLinkUp: true,
    centreView: 'pop',
    setLang(lang) {
      deps.storage.setItem(LANG_KEY, lang);
      set({ lang });
    },
    seatLinkChanged(up) {
      set({ seatLinkUp: up });
    },
    showView(centreView) {
      set({ centreView });
    },
  };
};
