import { useState, type FormEvent } from 'react';
import type { KbHit, KbSearchResponse } from '../../../shared/hub-api';
import { categoryName } from '../i18n/labels';
import { useT } from '../i18n/use-t';
import { splitMarks } from '../lib/marks';
import { popKbStatus } from '../store/pop-slice';
import { useDesk } from '../store/use-desk';
import { errorText } from '../i18n/translate';

/**
 * Right column: answers for the call's likely topic (from the pop), or for what the agent
 * searches. Each answer is one click away from the order's summary.
 */
export function KbPanel() {
  const { t, lang } = useT();
  // Only what it shows of the pop: its wait, orders and the like change without a render here.
  const hasPop = useDesk((s) => s.pop !== null);
  const topic = useDesk((s) => s.pop?.data?.topic ?? null);
  const query = useDesk((s) => s.kbQuery);
  const status = useDesk((s) => s.kbStatus);
  const searchKb = useDesk((s) => s.searchKb);
  const clear = useDesk((s) => s.clearKbSearch);
  const [text, setText] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void searchKb(text);
  };
  const searching = status !== 'idle';

  return (
    <aside className="column column--kb">
      <section className="panel kb" aria-label={t('kb.title')}>
        <header className="panel__head">
          <h2>{t('kb.title')}</h2>
        </header>
        <form className="kb__search" onSubmit={submit} role="search">
          <input
            data-testid="kb-search"
            type="search"
            value={text}
            placeholder={t('kb.searchPlaceholder')}
            onChange={(e) => setText(e.target.value)}
          />
          <button className="btn btn--primary btn--small" data-testid="kb-search-submit">
            {t('kb.search')}
          </button>
        </form>

        {searching ? (
          <div className="kb__context">
            <span>{t('kb.results', { q: query })}</span>
            <button
              type="button"
              className="link"
              data-testid="kb-back"
              onClick={() => {
                setText('');
                clear();
              }}
            >
              {hasPop ? t('kb.backToTopic') : t('kb.clear')}
            </button>
          </div>
        ) : (
          <div className="kb__context">
            {topic ? (
              <span>
                {t('kb.topic')}{' '}
                <strong className="tag tag--topic">{categoryName(topic, lang)}</strong>
              </span>
            ) : (
              <span>{hasPop ? t('kb.noTopicShort') : t('kb.idle')}</span>
            )}
          </div>
        )}

        <div className="kb__list">
          <KbList />
        </div>
      </section>
    </aside>
  );
}

/** Search results while a search is on, else the pop's answers for the topic. */
function KbList() {
  const { t } = useT();
  const kbStatus = useDesk((s) => popKbStatus(s.pop));
  const popKb = useDesk((s) => s.pop?.data?.kb ?? null);
  const historyError = useDesk((s) => s.pop?.data?.historyError ?? '');
  const status = useDesk((s) => s.kbStatus);
  const result = useDesk((s) => s.kbResult);
  const error = useDesk((s) => s.kbError);

  if (status === 'loading') return <p className="empty">{t('kb.searching')}</p>;
  if (status === 'failed' && error) {
    return (
      <p className="notice notice--error" title={error.message}>
        {t('kb.failed', { error: errorText(t, error) })}
      </p>
    );
  }
  if (status === 'ready') {
    return (
      <>
        {result?.offline && (
          <p className="notice notice--info" data-testid="kb-offline">
            {t('kb.offline')}
          </p>
        )}
        <Hits response={result} />
      </>
    );
  }
  if (kbStatus === 'hub-offline') {
    return (
      <p
        className="notice notice--warn"
        data-testid="kb-none"
        data-reason={kbStatus}
        title={historyError}
      >
        {t('kb.unavailable')}
      </p>
    );
  }
  if (kbStatus === 'no-topic' || kbStatus === 'topic-unanswered') {
    return (
      <p className="empty" data-testid="kb-none" data-reason={kbStatus}>
        {t(kbStatus === 'no-topic' ? 'kb.noTopic' : 'kb.topicUnanswered')}
      </p>
    );
  }
  return <Hits response={popKb} />;
}

function Hits({ response }: { response: KbSearchResponse | null }) {
  const { t } = useT();
  if (!response) return null;
  return (
    <>
      {!response.confident && (
        <p className="notice notice--warn" data-testid="kb-not-confident">
          {t('kb.notConfident')}
        </p>
      )}
      {response.hits.length === 0 ? (
        <p className="empty">{t('kb.noHits')}</p>
      ) : (
        <ul className="hits">
          {response.hits.map((hit) => (
            <Hit key={hit.id} hit={hit} />
          ))}
        </ul>
      )}
    </>
  );
}

function Hit({ hit }: { hit: KbHit }) {
  const { t, lang } = useT();
  const appendToSummary = useDesk((s) => s.appendToSummary);
  const [open, setOpen] = useState(false);
  const [used, setUsed] = useState(false);

  return (
    <li className={`hit${open ? ' is-open' : ''}`} data-testid="kb-hit" data-kb-id={hit.id}>
      <div className="hit__head">
        <span className="hit__title">{hit.title}</span>
        <span className="tag">{categoryName(hit.category, lang)}</span>
      </div>
      {open ? (
        <p className="hit__answer" data-testid="kb-answer">
          {hit.answer}
        </p>
      ) : (
        <p className="hit__snippet">
          {splitMarks(hit.snippet).map((part, i) =>
            part.marked ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
          )}
        </p>
      )}
      <div className="hit__actions">
        <button
          type="button"
          className="link"
          data-testid="kb-expand"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? t('kb.collapse') : t('kb.expand')}
        </button>
        <button
          type="button"
          className="btn btn--small"
          data-testid="kb-use"
          onClick={() => {
            appendToSummary(hit.answer);
            setUsed(true);
          }}
        >
          {used ? t('kb.used') : t('kb.useAnswer')}
        </button>
      </div>
    </li>
  );
}
