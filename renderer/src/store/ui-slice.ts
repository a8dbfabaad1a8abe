import { DEFAULT_LANG, isLang, type Lang } from '../i18n/messages';
import type { SliceCreator } from './types';

export const LANG_KEY = 'hotline.lang';

/**
 * What the centre column shows above the order form; `centre` (the centre's orders) is
 * for shift leads and admins only.
 */
export type CentreView = 'pop' | 'orders' | 'conflicts' | 'rejected' | 'centre';

/** A panel over the desk: the device settings, the list of shortcuts, the transfer dialog. */
export type Overlay = 'devices' | 'shortcuts' | 'transfer';

export interface UiSlice {
  /** Language of the UI; remembered on this seat. */
  lang: Lang;
  /** Whether the link to the seat core is up (always, under Electron). */
  seatLinkUp: boolean;
  /** The pop of the call, or one of the seat's lists; a new call brings the pop back. */
  centreView: CentreView;
  overlay: Overlay | null;
  /** What the agent typed into the dial field (by keys or the dial pad). */
  dialNumber: string;
  setLang(lang: Lang): void;
  seatLinkChanged(up: boolean): void;
  showView(view: CentreView): void;
  /** Opens a panel, or closes it when it is open (null closes any). */
  toggleOverlay(overlay: Overlay | null): void;
  setDialNumber(number: string): void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set, get, deps) => {
  const stored = deps.storage.getItem(LANG_KEY);
  return {
    lang: isLang(stored) ? stored : DEFAULT_LANG,
    seatLinkUp: true,
    centreView: 'pop',
    overlay: null,
    dialNumber: '',
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
    setDialNumber(dialNumber) {
      set({ dialNumber: dialNumber.slice(0, 32), dialInvalid: null });
    },
    toggleOverlay(overlay) {
      set({ overlay: overlay === get().overlay ? null : overlay });
    },
  };
};
