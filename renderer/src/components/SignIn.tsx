import { useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../bridge/errors';
import type { MessageKey } from '../i18n/messages';
import { useT } from '../i18n/use-t';
import { useDesk } from '../store/use-desk';
import { errorText } from '../i18n/translate';
import { LangSwitch } from './LangSwitch';
import { SeatNotices } from './SeatNotices';

/**
 * Account, password and seat extension. The extension belongs to the desk, not the person,
 * so it is remembered on this machine and filled in for the next agent.
 */
export function SignIn() {
  const { t } = useT();
  const login = useDesk((s) => s.login);
  const phase = useDesk((s) => s.phase);
  const error = useDesk((s) => s.loginError);
  const endedReason = useDesk((s) => s.endedReason);
  const savedExtension = useDesk((s) => s.savedExtension);
  const [account, setAccount] = useState('');
  const [password, setPassword] = useState('');
  const [extension, setExtension] = useState(savedExtension);
  const busy = phase === 'signing-in';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void login({ account: account.trim(), password, extension: extension.trim() });
  };

  const fieldError = error?.code === 'bad-request' ? error.field : undefined;

  return (
    <div className="signin-page">
      <SeatNotices />
      <div className="signin">
        <div className="signin__aside">
          <div className="brand brand--large">
            <span className="brand__mark">12345</span>
            <span className="brand__name">{t('app.brand')}</span>
          </div>
          <p className="signin__tagline">{t('signin.tagline')}</p>
          <ul className="signin__points">
            <li>{t('signin.point.pop')}</li>
            <li>{t('signin.point.orders')}</li>
            <li>{t('signin.point.kb')}</li>
          </ul>
        </div>

        <form className="signin__card" onSubmit={submit} noValidate>
          <div className="signin__head">
            <h1>{t('signin.title')}</h1>
            <LangSwitch />
          </div>
          <p className="signin__sub">{t('signin.subtitle')}</p>

          <label className="field">
            <span className="field__label">{t('signin.account')}</span>
            <input
              data-testid="login-account"
              autoComplete="username"
              autoFocus
              value={account}
              aria-invalid={fieldError === 'account'}
              onChange={(e) => setAccount(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="field__label">{t('signin.password')}</span>
            <input
              data-testid="login-password"
              type="password"
              autoComplete="current-password"
              value={password}
              aria-invalid={fieldError === 'password'}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="field__label">{t('signin.extension')}</span>
            <input
              data-testid="login-extension"
              inputMode="numeric"
              value={extension}
              aria-invalid={fieldError === 'extension'}
              onChange={(e) => setExtension(e.target.value)}
            />
            <span className="field__hint">{t('signin.extensionHint')}</span>
          </label>

          {error && <SignInError error={error} />}
          {!error && endedReason && (
            <div
              className="notice notice--info"
              role="status"
              data-testid="login-ended"
              data-code={endedReason.code}
              title={endedReason.detail}
            >
              {t(`signin.ended.${endedReason.code}`)}
            </div>
          )}

          <button
            className="btn btn--primary btn--block"
            data-testid="login-submit"
            disabled={busy}
          >
            {busy ? t('signin.submitting') : t('signin.submit')}
          </button>
        </form>
      </div>
    </div>
  );
}

/** What the agent can do about each refusal, beside its headline. */
const DETAIL_KEYS: Partial<Record<ErrorInfo['code'], MessageKey>> = {
  'hub-unreachable': 'signin.hubUnreachableDetail',
  'seat-unreachable': 'signin.seatUnreachableDetail',
  'offline-sign-in-unavailable': 'signin.offlineUnavailableDetail',
  'offline-credentials-unknown': 'signin.offlineUnknownDetail',
  'store-locked': 'signin.storeLockedDetail',
};

function SignInError({ error }: { error: ErrorInfo }) {
  const { t } = useT();
  const detailKey = DETAIL_KEYS[error.code];
  let detail: string | null = detailKey ? t(detailKey) : null;
  if (error.code === 'bad-request') {
    detail = t(error.field === 'extension' ? 'signin.badExtension' : 'signin.fillAll');
  }
  return (
    <div
      className="notice notice--error"
      role="alert"
      data-testid="login-error"
      data-code={error.code}
    >
      <strong>{errorText(t, error)}</strong>
      {detail && <span>{detail}</span>}
    </div>
  );
}
