import { useEffect, useRef, type ReactNode } from 'react';
import { useT } from '../i18n/use-t';
import { useDesk } from '../store/use-desk';

/**
 * A dialog over the desk, for the device settings and the shortcuts. It takes the focus
 * when it opens and gives it back on close; Escape closes it.
 */
export function Overlay(props: { title: string; testId: string; children: ReactNode }) {
  const { t } = useT();
  const close = useDesk((s) => s.toggleOverlay);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    box.current?.focus();
    return () => before?.focus();
  }, []);

  return (
    <div
      ref={box}
      className="overlay"
      role="dialog"
      aria-modal="false"
      aria-label={props.title}
      data-testid={props.testId}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close(null);
        }
      }}
    >
      <header className="overlay__head">
        <h2>{props.title}</h2>
        <button
          type="button"
          className="btn btn--small"
          data-testid="overlay-close"
          onClick={() => close(null)}
        >
          {t('common.close')}
        </button>
      </header>
      <div className="overlay__body">{props.children}</div>
    </div>
  );
}
