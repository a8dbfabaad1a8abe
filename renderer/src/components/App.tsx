import { useEffect } from 'react';
import { useT } from '../i18n/use-t';
import { useDesk } from '../store/use-desk';
import { Desk } from './Desk';
import { SignIn } from './SignIn';

export function App() {
  const { t, lang } = useT();
  const phase = useDesk((s) => s.phase);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('app.title');
  }, [lang, t]);

  if (phase === 'booting') {
    return (
      <div className="splash" data-testid="booting">
        <span className="brand__mark">12345</span>
        <span>{t('app.starting')}</span>
      </div>
    );
  }
  return phase === 'signed-in' ? <Desk /> : <SignIn />;
}
