import { LANGS } from '../i18n/messages';
import { useT } from '../i18n/use-t';
import { useDesk } from '../store/use-desk';

/** The language switch: each language named in itself, so either reader finds their own. */
export function LangSwitch({ tone = 'light' }: { tone?: 'light' | 'dark' }) {
  const { t, lang } = useT();
  const setLang = useDesk((s) => s.setLang);
  return (
    <div
      className={`segmented segmented--${tone}`}
      role="group"
      aria-label={t('lang.label')}
      data-testid="lang-switch"
    >
      {LANGS.map((code) => (
        <button
          key={code}
          type="button"
          className={code === lang ? 'is-on' : ''}
          aria-pressed={code === lang}
          data-testid={`lang-${code}`}
          onClick={() => setLang(code)}
        >
          {t(code === 'en' ? 'lang.en' : 'lang.zh')}
        </button>
      ))}
    </div>
  );
}
