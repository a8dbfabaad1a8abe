import { useMemo } from 'react';
import { useDesk } from '../store/use-desk';
import { translator, type Translate } from './translate';

/** The translate function of the UI language, and the language. */
export function useT(): { t: Translate; lang: ReturnType<typeof useLang> } {
  const lang = useLang();
  const t = useMemo(() => translator(lang), [lang]);
  return { t, lang };
}

function useLang() {
  return useDesk((s) => s.lang);
}
